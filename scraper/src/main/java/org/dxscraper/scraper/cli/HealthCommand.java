package org.dxscraper.scraper.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dx-scraper health}: asks a running daemon's {@code /health} and exits 0 when it is
 * healthy, 1 when not (or when nothing answers), printing the problems. For container health checks
 * and scripts, so that an image needs no curl.
 */
@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Asks a running dx-scraper's /health: exit 0 when healthy, 1 when not or when it does not"
          + " answer, with its problems on stdout. For Docker's HEALTHCHECK and scripts."
    },
    footerHeading = "%nExample:%n",
    footer = {"  dx-scraper health --metrics-listen 127.0.0.1:9464 || echo unhealthy"})
final class HealthCommand implements Callable<Integer> {
  @Option(
      names = "--metrics-listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9464",
      description = {
        "Where the daemon serves /health: its --metrics-listen.",
        "Default: ${DEFAULT-VALUE}"
      })
  String metricsListen;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How long to wait for the answer (default: 5s).")
  Duration timeout;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    String where =
        metricsListen.startsWith("0.0.0.0:")
            ? "127.0.0.1" + metricsListen.substring(7)
            : metricsListen;
    URI uri = URI.create("http://" + where + "/health");
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(timeout).build(),
              HttpResponse.BodyHandlers.ofString());
      spec.commandLine().getOut().println(response.body());
      spec.commandLine().getOut().flush();
      return response.statusCode() == 200 ? 0 : Main.EXIT_FAILED;
    } catch (IOException e) {
      spec.commandLine().getErr().println("dx-scraper: " + uri + " does not answer: " + e);
      spec.commandLine().getErr().flush();
      return Main.EXIT_FAILED;
    }
  }
}
