package org.dxscraper.instrumentation.host;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import org.dxscraper.instrumentation.host.HostSample.Uname;

/**
 * {@code node_uname_info}: a client_java {@link Info} where the registry is Prometheus' (Micrometer
 * would expose a Gauge of that name as {@code node_uname}), a Gauge elsewhere. Used under the lock
 * of the owning {@link HostMetrics}.
 */
final class UnameMeter {
  private static final String NAME = "node_uname_info";
  private static final String HELP =
      "Labeled system information as provided by the uname system call.";
  private static final String[] LABELS = {
    "sysname", "release", "version", "machine", "nodename", "domainname"
  };

  private final MeterRegistry registry;
  private final List<PrometheusRegistry> prometheus;
  private final List<Info> infos = new ArrayList<>();
  private Meter gauge;
  private Uname current;

  UnameMeter(MeterRegistry registry) {
    this.registry = registry;
    this.prometheus = prometheusRegistries(registry);
  }

  private static List<PrometheusRegistry> prometheusRegistries(MeterRegistry registry) {
    List<MeterRegistry> candidates =
        registry instanceof CompositeMeterRegistry composite
            ? List.copyOf(composite.getRegistries())
            : List.of(registry);
    return candidates.stream()
        .filter(PrometheusMeterRegistry.class::isInstance)
        .map(r -> ((PrometheusMeterRegistry) r).getPrometheusRegistry())
        .toList();
  }

  void set(Uname uname) {
    if (uname == null || uname.equals(current)) {
      return;
    }
    String[] values = {
      uname.sysname(),
      uname.release(),
      uname.version(),
      uname.machine(),
      uname.nodename(),
      uname.domainname()
    };
    if (!prometheus.isEmpty()) {
      if (infos.isEmpty()) {
        for (PrometheusRegistry target : prometheus) {
          infos.add(Info.builder().name(NAME).help(HELP).labelNames(LABELS).register(target));
        }
      }
      // setLabelValues replaces the one data point, so a renamed host leaves no old series.
      infos.forEach(info -> info.setLabelValues(values));
    } else {
      Gauge.Builder<?> builder = Gauge.builder(NAME, () -> 1).description(HELP);
      for (int i = 0; i < LABELS.length; i++) {
        builder.tag(LABELS[i], values[i]);
      }
      if (gauge != null) {
        registry.remove(gauge);
      }
      gauge = builder.register(registry);
    }
    current = uname;
  }

  void remove() {
    for (int i = 0; i < infos.size(); i++) {
      prometheus.get(i).unregister(infos.get(i));
    }
    infos.clear();
    if (gauge != null) {
      registry.remove(gauge);
      gauge = null;
    }
    current = null;
  }
}
