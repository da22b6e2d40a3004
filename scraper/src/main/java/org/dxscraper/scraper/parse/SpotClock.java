package org.dxscraper.scraper.parse;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Year;

/**
 * Turns the times cluster lines carry into instants.
 *
 * <p>A spot carries only {@code HHMMZ}; its date is the date of reception, except just after
 * midnight UTC, when a time a little later than now belongs to yesterday. Plain epoch arithmetic
 * handles month and year ends and leap days without a calendar.
 */
final class SpotClock {

  /**
   * How far after the reception time a line's time may lie and still count as today. Node clocks
   * run a little ahead of ours; a time further ahead than this was written before midnight.
   */
  static final long FUTURE_TOLERANCE_SECONDS = 10 * 60;

  static final int NO_TIME = -1;

  private static final long SECONDS_PER_DAY = 86_400;

  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private SpotClock() {}

  /**
   * The minute of the day written as 4 digits {@code HHMM} in {@code [from, from + 4)}, or {@link
   * #NO_TIME} when those are not 4 digits or not a time of day (2460, 9999).
   */
  static int minuteOfDay(char[] s, int from, int to) {
    if (from < 0 || from + 4 > to) {
      return NO_TIME;
    }
    int hhmm = Chars.parseDigits(s, from, from + 4);
    if (hhmm < 0) {
      return NO_TIME;
    }
    int hour = hhmm / 100;
    int minute = hhmm % 100;
    return hour < 24 && minute < 60 ? hour * 60 + minute : NO_TIME;
  }

  /** True when {@code [from, to)} is shaped {@code HHMMZ}: four digits and a 'Z', valid or not. */
  static boolean isZuluToken(char[] s, int from, int to) {
    if (to - from != 5 || Chars.asciiUpper(s[from + 4]) != 'Z') {
      return false;
    }
    for (int i = from; i < from + 4; i++) {
      if (!Chars.isDigit(s[i])) {
        return false;
      }
    }
    return true;
  }

  /** The reception instant truncated to the minute: the time of a line that carries none. */
  static Instant receptionMinute(Instant receivedAt) {
    long seconds = Math.floorDiv(receivedAt.getEpochSecond(), 60) * 60;
    return Instant.ofEpochSecond(seconds);
  }

  /**
   * The instant of a minute of the day written on a line received at {@code receivedAt}: the one of
   * yesterday, today and tomorrow that lies in the window from a day before reception to {@link
   * #FUTURE_TOLERANCE_SECONDS} after it. So 2359Z received at 00:01 was written yesterday, and
   * 0000Z received at 23:59:40 by a node whose clock runs a little ahead is tomorrow's.
   */
  static Instant onReceptionDay(Instant receivedAt, int minuteOfDay) {
    long received = receivedAt.getEpochSecond();
    long dayStart = Math.floorDiv(received, SECONDS_PER_DAY) * SECONDS_PER_DAY;
    long candidate = dayStart + minuteOfDay * 60L;
    if (candidate > received + FUTURE_TOLERANCE_SECONDS) {
      candidate -= SECONDS_PER_DAY;
    } else if (candidate <= received + FUTURE_TOLERANCE_SECONDS - SECONDS_PER_DAY) {
      candidate += SECONDS_PER_DAY;
    }
    return Instant.ofEpochSecond(candidate);
  }

  /**
   * The epoch day of a DXSpider date {@code D-Mon-YYYY} or {@code DD-Mon-YYYY} in {@code [from,
   * to)}, or {@link Long#MIN_VALUE} when it is not one or names no real day (30-Feb-2026).
   */
  static long epochDay(char[] s, int from, int to) {
    int firstDash = Chars.indexOf(s, '-', from, to);
    if (firstDash < 0 || to - firstDash != 9 || s[firstDash + 4] != '-') {
      return Long.MIN_VALUE;
    }
    int day = Chars.parseDigits(s, from, firstDash);
    int month = month(s, firstDash + 1, to);
    int year = Chars.parseDigits(s, firstDash + 5, to);
    if (firstDash - from > 2 || day < 1 || month < 1 || year < 1900 || year > 2999) {
      return Long.MIN_VALUE;
    }
    if (day > lengthOfMonth(year, month)) {
      return Long.MIN_VALUE;
    }
    return LocalDate.of(year, month, day).toEpochDay();
  }

  static Instant atEpochDay(long epochDay, int minuteOfDay) {
    return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + minuteOfDay * 60L);
  }

  private static int month(char[] s, int from, int to) {
    for (int i = 0; i < MONTHS.length; i++) {
      if (Chars.matchesAt(s, from, to, MONTHS[i])) {
        return i + 1;
      }
    }
    return -1;
  }

  private static int lengthOfMonth(int year, int month) {
    return switch (month) {
      case 2 -> Year.isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }
}
