package org.dxscraper.scraper.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Reads secrets from files (Docker and systemd credentials), so they stay off command lines. */
final class SecretFiles {
  private SecretFiles() {}

  /**
   * The first line of {@code file} without trailing blanks.
   *
   * @throws ParameterException naming {@code option} when the file cannot be read
   */
  static String firstLine(CommandSpec spec, String option, Path file) {
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      int end = content.indexOf('\n');
      return (end < 0 ? content : content.substring(0, end)).stripTrailing();
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(), "cannot read " + option + " " + file + ": " + e.getMessage());
    }
  }
}
