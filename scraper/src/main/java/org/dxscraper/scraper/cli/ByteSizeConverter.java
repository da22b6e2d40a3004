package org.dxscraper.scraper.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Sizes on the command line: a number of bytes, or with a binary unit: {@code 64KiB}, {@code
 * 512MiB}, {@code 1GiB} ({@code K}, {@code M}, {@code G} and {@code KB}, {@code MB}, {@code GB}
 * mean the same binary units: disks are sold in decimal, but nobody sizes a journal to the byte).
 */
final class ByteSizeConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String text = value.strip().toUpperCase(Locale.ROOT);
    int unitAt = 0;
    while (unitAt < text.length() && Character.isDigit(text.charAt(unitAt))) {
      unitAt++;
    }
    try {
      long amount = Long.parseLong(text.substring(0, unitAt));
      int shift =
          switch (text.substring(unitAt).strip()) {
            case "", "B" -> 0;
            case "K", "KB", "KIB" -> 10;
            case "M", "MB", "MIB" -> 20;
            case "G", "GB", "GIB" -> 30;
            case "T", "TB", "TIB" -> 40;
            default -> throw new NumberFormatException();
          };
      if (amount > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return amount << shift;
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a size: write e.g. 65536, 64KiB, 16MiB or 1GiB");
    }
  }
}
