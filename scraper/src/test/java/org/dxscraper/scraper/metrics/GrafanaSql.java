package org.dxscraper.scraper.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A panel's SQL as Grafana's PostgreSQL data source sends it: its macros expanded for a time range,
 * and the dashboard's variables replaced by their values, "All" for a multi-value variable. Only
 * the macros and variable forms the shipped dashboards use are known; anything else is left in
 * place, and the caller asserts that no {@code $} is left.
 */
final class GrafanaSql {
  private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([^)]+)\\)");
  private static final Pattern TIME_GROUP_ALIAS =
      Pattern.compile("\\$__timeGroupAlias\\(([^,]+),\\s*([^)]+)\\)");
  private static final Pattern DURATION = Pattern.compile("'?(\\d+)([smhd])'?");

  private final Instant from;
  private final Instant to;
  private final Duration interval;
  private final Map<String, String> variables;

  /**
   * @param values the value of each textbox variable, by name; multi-value custom variables are
   *     read from the dashboard
   */
  GrafanaSql(
      JsonNode dashboard, Instant from, Instant to, Duration interval, Map<String, String> values) {
    this.from = from;
    this.to = to;
    this.interval = interval;
    Map<String, String> vars = new HashMap<>();
    for (JsonNode v : dashboard.path("templating").path("list")) {
      String name = v.path("name").asText();
      if (v.path("type").asText().equals("custom") && v.path("multi").asBoolean()) {
        List<String> quoted = new ArrayList<>();
        for (String option : v.path("query").asText().split(",")) {
          quoted.add(quote(option.strip()));
        }
        vars.put("$" + name, String.join(",", quoted));
      } else if (values.containsKey(name)) {
        vars.put("${" + name + ":sqlstring}", quote(values.get(name)));
        vars.put("$" + name, values.get(name));
      }
    }
    this.variables = vars;
  }

  String expand(String sql) {
    String out = sql.replace("$__interval", interval.toSeconds() + "s");
    out =
        TIME_FILTER
            .matcher(out)
            .replaceAll(
                m ->
                    Matcher.quoteReplacement(
                        m.group(1) + " BETWEEN '" + from + "' AND '" + to + "'"));
    out =
        TIME_GROUP_ALIAS
            .matcher(out)
            .replaceAll(
                m -> {
                  long seconds = seconds(m.group(2).strip());
                  return Matcher.quoteReplacement(
                      "floor(extract(epoch from "
                          + m.group(1)
                          + ")/"
                          + seconds
                          + ")*"
                          + seconds
                          + " AS \"time\"");
                });
    // Longest names first, so that ${call:sqlstring} is not read as $call.
    for (var e :
        variables.entrySet().stream()
            .sorted((a, b) -> b.getKey().length() - a.getKey().length())
            .toList()) {
      out = out.replace(e.getKey(), e.getValue());
    }
    return out;
  }

  private static long seconds(String duration) {
    Matcher m = DURATION.matcher(duration);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a Grafana interval: " + duration);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> n;
      case "m" -> n * 60;
      case "h" -> n * 3600;
      default -> n * 86400;
    };
  }

  private static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
