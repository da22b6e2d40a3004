package org.dxscraper.scraper.store;

import static org.dxscraper.db.jooq.Tables.SPOT;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.dxscraper.db.jooq.tables.records.SpotRecord;
import org.dxscraper.scraper.enrich.CtyDat;
import org.dxscraper.scraper.ingest.Enricher;
import org.dxscraper.scraper.parse.ClusterMessage;
import org.dxscraper.scraper.parse.LineParser;
import org.dxscraper.scraper.parse.LineParserBenchmark;
import org.dxscraper.scraper.parse.Spot;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStepN;
import org.jooq.Record4;
import org.jooq.SQLDialect;
import org.jooq.impl.DefaultDSLContext;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Harness, not a test: ways of inserting spot rows into the real {@code spot} table, measured
 * against each other and against {@code psql \copy} of the same rows, in one run, interleaved.
 *
 * <p>Per trial (one candidate, one batch size, the same rows every time): wall time, the inserting
 * thread's CPU time and allocation, and the CPU time of the PostgreSQL backend serving the
 * connection (from {@code /proc/PID/stat}), each divided by the rows. Every batch is one
 * transaction, committed before the next starts, as the writer does. Scenarios: {@code empty}
 * (truncated before each trial), {@code 1M} (a million older rows already there; a trial's rows are
 * deleted and the table vacuumed after it), and {@code replay} (the trial's rows inserted again
 * into the 1M table: every row a conflict, as a journal replay after a crash is).
 *
 * <p>Arguments: JDBC URL (a scratch database; the schema is migrated, {@code spot} is emptied),
 * psql connection string (or {@code -} to skip the {@code \copy} reference), rows per trial,
 * rounds, rows preloaded for {@code 1M}, batch sizes (comma-separated), candidates
 * (comma-separated; default all).
 */
public final class SpotInsertHarness {
  private static final Instant T0 = Instant.parse("2026-12-05T00:00:00Z");
  private static final int PER_MINUTE = 1000;

  /** The writer's columns, in its order: the order of the COPY text and of the arrays. */
  private static final List<Field<?>> COLUMNS =
      SpotArrayEncoder.COLUMNS.stream().<Field<?>>map(SpotArrayEncoder.Column::field).toList();

  private static final String NAMES =
      COLUMNS.stream().map(Field::getName).collect(Collectors.joining(", "));

  /** The columns {@link SpotCopyEncoder} writes: the statement's, then {@code daemon}. */
  private static final String COPY_NAMES = NAMES + ", daemon";

  private static final String RETURNING = " returning node, band, mode, backfilled";

  private SpotInsertHarness() {}

  /** Where the stored rows go: counted like the writer's metrics would. */
  static final class Sink {
    long rows;
    long hash;

    void stored(String node, String band, String mode, boolean backfilled) {
      rows++;
      hash = 31 * hash + node.hashCode() + (band == null ? 0 : band.hashCode());
      hash = 31 * hash + (mode == null ? 0 : mode.hashCode()) + (backfilled ? 1 : 0);
    }

    void stored(String node, String band, String mode, boolean backfilled, long count) {
      rows += count;
      hash = 31 * hash + node.hashCode() + (band == null ? 0 : band.hashCode());
      hash = 31 * hash + (mode == null ? 0 : mode.hashCode()) + (backfilled ? 1 : 0);
    }
  }

  interface Candidate {
    String name();

    /** Once per connection, before the first batch. */
    default void prepare(Connection c) throws SQLException {}

    /** Inserts {@code rows} in the caller's transaction. */
    void insert(Connection c, List<SpotRow> rows, Sink sink) throws SQLException;
  }

  // ---------------------------------------------------------------- (a) jOOQ, as RowInserts was

  static final class Jooq implements Candidate {
    @Override
    public String name() {
      return "jooq";
    }

    @Override
    public void insert(Connection c, List<SpotRow> spots, Sink sink) {
      DSLContext tx = new DefaultDSLContext(c, SQLDialect.POSTGRES);
      for (int from = 0; from < spots.size(); from += 1000) {
        InsertValuesStepN<SpotRecord> insert = tx.insertInto(SPOT, COLUMNS);
        for (SpotRow s : spots.subList(from, Math.min(spots.size(), from + 1000))) {
          insert =
              insert.values(
                  utc(s.spottedAt()),
                  utc(s.receivedAt()),
                  RowInserts.text(s.node()),
                  RowInserts.text(s.spotter()),
                  BigDecimal.valueOf(s.frequencyHz(), 3),
                  RowInserts.text(s.dxCall()),
                  RowInserts.text(s.comment()),
                  s.band(),
                  s.mode(),
                  s.modeSource(),
                  shortOrNull(s.snrDb()),
                  shortOrNull(s.speed()),
                  s.speedUnit(),
                  s.spotType(),
                  s.dxGrid(),
                  s.spotterGrid(),
                  s.dxEntity(),
                  s.dxContinent(),
                  shortOrNull(s.dxCqZone()),
                  s.spotterEntity(),
                  s.spotterContinent(),
                  shortOrNull(s.spotterCqZone()),
                  s.backfilled());
        }
        for (Record4<String, String, String, Boolean> r :
            insert
                .onConflictDoNothing()
                .returningResult(SPOT.NODE, SPOT.BAND, SPOT.MODE, SPOT.BACKFILLED)
                .fetch()) {
          sink.stored(r.value1(), r.value2(), r.value3(), r.value4());
        }
      }
    }

    private static OffsetDateTime utc(Instant instant) {
      return instant.atOffset(ZoneOffset.UTC);
    }

    private static Short shortOrNull(Integer value) {
      return value == null ? null : value.shortValue();
    }
  }

  // ------------------------------------------- (b) INSERT ... SELECT FROM unnest(arrays), prepared

  /** The PostgreSQL array type a column's values travel in, from its jOOQ type. */
  static String arrayType(Field<?> field) {
    Class<?> type = field.getType();
    if (type == String.class) {
      return "text[]";
    }
    if (type == OffsetDateTime.class) {
      return "timestamptz[]";
    }
    if (type == BigDecimal.class) {
      return "numeric[]";
    }
    if (type == Short.class) {
      return "int2[]";
    }
    if (type == Boolean.class) {
      return "bool[]";
    }
    throw new IllegalStateException("no array type for " + field + " of " + type);
  }

  static String unnestSql(boolean grouped) {
    String arrays =
        COLUMNS.stream().map(f -> "?::" + arrayType(f)).collect(Collectors.joining(", "));
    String insert =
        "insert into spot ("
            + NAMES
            + ") select * from unnest("
            + arrays
            + ") on conflict do nothing"
            + RETURNING;
    return grouped ? grouped(insert) : insert;
  }

  /** unnest() in the select list: a ProjectSet node instead of ROWS FROM's tuplestores. */
  static String unnestSelectListSql() {
    String arrays =
        COLUMNS.stream()
            .map(f -> "unnest(?::" + arrayType(f) + ")")
            .collect(Collectors.joining(", "));
    return "insert into spot ("
        + NAMES
        + ") select "
        + arrays
        + " on conflict do nothing"
        + RETURNING;
  }

  static String grouped(String insert) {
    return "with stored as ("
        + insert
        + ") select node, band, mode, backfilled, count(*) from stored group by 1, 2, 3, 4";
  }

  static void readStored(ResultSet rs, boolean grouped, Sink sink) throws SQLException {
    while (rs.next()) {
      if (grouped) {
        sink.stored(
            rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5));
      } else {
        sink.stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4));
      }
    }
  }

  /** Arrays as text literals ({@code {"a","b",NULL}}), one string parameter per column. */
  static final class UnnestText implements Candidate {
    private final boolean grouped;
    private final boolean selectList;
    private final String sql;
    private final StringBuilder[] columns = new StringBuilder[COLUMNS.size()];

    UnnestText(boolean grouped) {
      this(grouped, false);
    }

    UnnestText(boolean grouped, boolean selectList) {
      this.grouped = grouped;
      this.selectList = selectList;
      this.sql = selectList ? unnestSelectListSql() : unnestSql(grouped);
      for (int i = 0; i < columns.length; i++) {
        columns[i] = new StringBuilder(1 << 16);
      }
    }

    @Override
    public String name() {
      return selectList ? "unnest-select-list" : grouped ? "unnest-text-grouped" : "unnest-text";
    }

    @Override
    public void insert(Connection c, List<SpotRow> rows, Sink sink) throws SQLException {
      for (StringBuilder column : columns) {
        column.setLength(0);
        column.append('{');
      }
      boolean first = true;
      for (SpotRow s : rows) {
        if (!first) {
          for (StringBuilder column : columns) {
            column.append(',');
          }
        }
        first = false;
        ArrayText.timestamp(columns[0], s.spottedAt());
        ArrayText.timestamp(columns[1], s.receivedAt());
        ArrayText.text(columns[2], s.node());
        ArrayText.text(columns[3], s.spotter());
        ArrayText.kilohertz(columns[4], s.frequencyHz());
        ArrayText.text(columns[5], s.dxCall());
        ArrayText.text(columns[6], s.comment());
        ArrayText.text(columns[7], s.band());
        ArrayText.text(columns[8], s.mode());
        ArrayText.text(columns[9], s.modeSource());
        ArrayText.smallint(columns[10], s.snrDb());
        ArrayText.smallint(columns[11], s.speed());
        ArrayText.text(columns[12], s.speedUnit());
        ArrayText.text(columns[13], s.spotType());
        ArrayText.text(columns[14], s.dxGrid());
        ArrayText.text(columns[15], s.spotterGrid());
        ArrayText.text(columns[16], s.dxEntity());
        ArrayText.text(columns[17], s.dxContinent());
        ArrayText.smallint(columns[18], s.dxCqZone());
        ArrayText.text(columns[19], s.spotterEntity());
        ArrayText.text(columns[20], s.spotterContinent());
        ArrayText.smallint(columns[21], s.spotterCqZone());
        columns[22].append(s.backfilled() ? 't' : 'f');
      }
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < columns.length; i++) {
          ps.setObject(i + 1, columns[i].append('}').toString(), Types.OTHER);
        }
        try (ResultSet rs = ps.executeQuery()) {
          readStored(rs, grouped, sink);
        }
      }
    }
  }

  /** Array element text: every value quoted, so no string can read as NULL or split. */
  static final class ArrayText {
    private ArrayText() {}

    static void text(StringBuilder b, String s) {
      if (s == null) {
        b.append("NULL");
        return;
      }
      b.append('"');
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch == '"' || ch == '\\') {
          b.append('\\');
        } else if (ch == 0) {
          continue;
        }
        b.append(ch);
      }
      b.append('"');
    }

    static void smallint(StringBuilder b, Integer value) {
      if (value == null) {
        b.append("NULL");
      } else {
        b.append(value.shortValue());
      }
    }

    static void kilohertz(StringBuilder b, long hz) {
      long rest = hz % 1000;
      b.append(hz / 1000).append('.');
      if (rest < 100) {
        b.append('0');
      }
      if (rest < 10) {
        b.append('0');
      }
      b.append(rest);
    }

    static void timestamp(StringBuilder b, Instant t) {
      b.append('"');
      TimestampText.append(b, t);
      b.append('"');
    }
  }

  /** {@code 2026-12-05 18:00:00.123456789+00}: PostgreSQL rounds to microseconds. */
  static final class TimestampText {
    private TimestampText() {}

    static void append(StringBuilder b, Instant t) {
      long seconds = t.getEpochSecond();
      long days = Math.floorDiv(seconds, 86_400);
      int secondOfDay = Math.floorMod(seconds, 86_400);
      // Days to civil date (proleptic Gregorian), after H. Hinnant's chrono algorithms.
      long z = days + 719_468;
      long era = Math.floorDiv(z, 146_097);
      long doe = z - era * 146_097;
      long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
      long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
      long mp = (5 * doy + 2) / 153;
      int day = (int) (doy - (153 * mp + 2) / 5 + 1);
      int month = (int) (mp < 10 ? mp + 3 : mp - 9);
      long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
      b.append(year).append('-');
      two(b, month);
      b.append('-');
      two(b, day);
      b.append(' ');
      two(b, secondOfDay / 3600);
      b.append(':');
      two(b, secondOfDay / 60 % 60);
      b.append(':');
      two(b, secondOfDay % 60);
      b.append('.');
      int nanos = t.getNano();
      for (int scale = 100_000_000; scale > 0; scale /= 10) {
        b.append((char) ('0' + nanos / scale % 10));
      }
      b.append("+00");
    }

    private static void two(StringBuilder b, int value) {
      b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
  }

  /** The same statement with arrays made by pgjdbc's {@code Connection.createArrayOf}. */
  static final class UnnestArrays implements Candidate {
    private final String sql = unnestSql(false);

    @Override
    public String name() {
      return "unnest-arrays";
    }

    @Override
    public void insert(Connection c, List<SpotRow> rows, Sink sink) throws SQLException {
      int n = rows.size();
      String[][] text = new String[17][n];
      Short[][] shorts = new Short[4][n];
      BigDecimal[] khz = new BigDecimal[n];
      Boolean[] backfilled = new Boolean[n];
      StringBuilder b = new StringBuilder(40);
      for (int i = 0; i < n; i++) {
        SpotRow s = rows.get(i);
        b.setLength(0);
        TimestampText.append(b, s.spottedAt());
        text[0][i] = b.toString();
        b.setLength(0);
        TimestampText.append(b, s.receivedAt());
        text[1][i] = b.toString();
        text[2][i] = RowInserts.text(s.node());
        text[3][i] = RowInserts.text(s.spotter());
        khz[i] = BigDecimal.valueOf(s.frequencyHz(), 3);
        text[4][i] = RowInserts.text(s.dxCall());
        text[5][i] = RowInserts.text(s.comment());
        text[6][i] = s.band();
        text[7][i] = s.mode();
        text[8][i] = s.modeSource();
        shorts[0][i] = shortOrNull(s.snrDb());
        shorts[1][i] = shortOrNull(s.speed());
        text[9][i] = s.speedUnit();
        text[10][i] = s.spotType();
        text[11][i] = s.dxGrid();
        text[12][i] = s.spotterGrid();
        text[13][i] = s.dxEntity();
        text[14][i] = s.dxContinent();
        shorts[2][i] = shortOrNull(s.dxCqZone());
        text[15][i] = s.spotterEntity();
        text[16][i] = s.spotterContinent();
        shorts[3][i] = shortOrNull(s.spotterCqZone());
        backfilled[i] = s.backfilled();
      }
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int p = 1;
        ps.setArray(p++, c.createArrayOf("text", text[0]));
        ps.setArray(p++, c.createArrayOf("text", text[1]));
        ps.setArray(p++, c.createArrayOf("text", text[2]));
        ps.setArray(p++, c.createArrayOf("text", text[3]));
        ps.setArray(p++, c.createArrayOf("numeric", khz));
        ps.setArray(p++, c.createArrayOf("text", text[4]));
        ps.setArray(p++, c.createArrayOf("text", text[5]));
        ps.setArray(p++, c.createArrayOf("text", text[6]));
        ps.setArray(p++, c.createArrayOf("text", text[7]));
        ps.setArray(p++, c.createArrayOf("text", text[8]));
        ps.setArray(p++, c.createArrayOf("int2", shorts[0]));
        ps.setArray(p++, c.createArrayOf("int2", shorts[1]));
        ps.setArray(p++, c.createArrayOf("text", text[9]));
        ps.setArray(p++, c.createArrayOf("text", text[10]));
        ps.setArray(p++, c.createArrayOf("text", text[11]));
        ps.setArray(p++, c.createArrayOf("text", text[12]));
        ps.setArray(p++, c.createArrayOf("text", text[13]));
        ps.setArray(p++, c.createArrayOf("text", text[14]));
        ps.setArray(p++, c.createArrayOf("int2", shorts[2]));
        ps.setArray(p++, c.createArrayOf("text", text[15]));
        ps.setArray(p++, c.createArrayOf("text", text[16]));
        ps.setArray(p++, c.createArrayOf("int2", shorts[3]));
        ps.setArray(p++, c.createArrayOf("bool", backfilled));
        try (ResultSet rs = ps.executeQuery()) {
          readStored(rs, false, sink);
        }
      }
    }

    private static Short shortOrNull(Integer value) {
      return value == null ? null : value.shortValue();
    }
  }

  /** What the writer runs now: {@link RowInserts#spots}. */
  static final class RowInsertsCandidate implements Candidate {
    private final RowInserts inserts = new RowInserts();

    @Override
    public String name() {
      return "rowinserts";
    }

    @Override
    public void insert(Connection c, List<SpotRow> rows, Sink sink) {
      for (RowInserts.StoredSpot s :
          inserts.spots(new DefaultDSLContext(c, SQLDialect.POSTGRES), rows)) {
        sink.stored(s.node(), s.band(), s.mode(), s.backfilled());
      }
    }
  }

  // ------------------------------------- (c) COPY into a TEMP staging table, then INSERT ...
  // SELECT

  static final class CopyStaging implements Candidate {
    private final boolean grouped;
    private final SpotCopyEncoder text = new SpotCopyEncoder();
    private final String insert;

    CopyStaging(boolean grouped) {
      this.grouped = grouped;
      String plain =
          "insert into spot ("
              + NAMES
              + ") select "
              + NAMES
              + " from spot_staging on conflict do nothing"
              + RETURNING;
      this.insert = grouped ? grouped(plain) : plain;
    }

    @Override
    public String name() {
      return grouped ? "copy-staging-grouped" : "copy-staging";
    }

    @Override
    public void prepare(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute(
            "create temp table if not exists spot_staging on commit delete rows as select "
                + COPY_NAMES
                + " from spot with no data");
      }
      c.commit();
    }

    @Override
    public void insert(Connection c, List<SpotRow> rows, Sink sink) throws SQLException {
      text.encode(rows, null);
      CopyIn in =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn("copy spot_staging (" + COPY_NAMES + ") from stdin");
      in.writeToCopy(text.bytes(), 0, text.length());
      in.endCopy();
      try (PreparedStatement ps = c.prepareStatement(insert);
          ResultSet rs = ps.executeQuery()) {
        readStored(rs, grouped, sink);
      }
    }
  }

  /** COPY straight into spot: what {@code \copy} does; no ON CONFLICT, no RETURNING. */
  static final class CopyDirect implements Candidate {
    private final SpotCopyEncoder text = new SpotCopyEncoder();

    @Override
    public String name() {
      return "copy-direct";
    }

    @Override
    public void insert(Connection c, List<SpotRow> rows, Sink sink) throws SQLException {
      text.encode(rows, null);
      CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(SpotCopyEncoder.COPY);
      in.writeToCopy(text.bytes(), 0, text.length());
      sink.rows += in.endCopy();
    }
  }

  // ------------------------------------------------------------------------------ the harness

  record Figures(
      long rows, long wallNanos, long clientCpuNanos, long allocated, long backendTicks) {
    double wallMicrosPerRow() {
      return wallNanos / 1000.0 / rows;
    }

    double rowsPerSecond() {
      return rows * 1e9 / wallNanos;
    }

    double clientMicrosPerRow() {
      return clientCpuNanos / 1000.0 / rows;
    }

    double backendMicrosPerRow() {
      return backendTicks * 10_000.0 / rows;
    }

    double bytesPerRow() {
      return (double) allocated / rows;
    }
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String psql = args.length > 1 ? args[1] : "-";
    int rowsPerTrial = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int preload = args.length > 4 ? Integer.parseInt(args[4]) : 1_000_000;
    int[] batchSizes =
        Arrays.stream((args.length > 5 ? args[5] : "100,1000,5000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    Map<String, Candidate> all = new LinkedHashMap<>();
    for (Candidate c :
        List.of(
            new Jooq(),
            new UnnestArrays(),
            new UnnestText(false),
            new UnnestText(true),
            new UnnestText(false, true),
            new RowInsertsCandidate(),
            new CopyStaging(false),
            new CopyStaging(true),
            new CopyDirect())) {
      all.put(c.name(), c);
    }
    List<Candidate> candidates =
        args.length > 6
            ? Arrays.stream(args[6].split(",")).map(all::get).toList()
            : List.copyOf(all.values());
    List<String> scenarios =
        List.of((args.length > 7 ? args[7] : "empty,1M").split(",")).stream().toList();

    CtyDat cty = CtyDat.loadIfPresent(Path.of("/usr/share/hamradio-files/cty.dat")).orElse(null);
    List<SpotRow> trialRows = rows(rowsPerTrial, T0, 1, cty);
    List<SpotRow> older =
        preload == 0
            ? List.of()
            : rows(preload, T0.minus(Duration.ofMinutes(preload / PER_MINUTE + 1)), 2, cty);
    Path copyFile = Files.createTempFile("spot-copy", ".txt");
    SpotCopyEncoder fileText = new SpotCopyEncoder().encode(trialRows, null);
    Files.write(copyFile, Arrays.copyOf(fileText.bytes(), fileText.length()));

    try (Connection c = DriverManager.getConnection(url)) {
      org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
      dataSource.setUrl(url);
      Migrations.migrate(dataSource);
      // A scratch table: autovacuum would compete for the two cores in the middle of a trial.
      // Since V10 spot is partitioned: the setting belongs to each partition, not the parent.
      execute(
          c,
          "do $$ declare p regclass; begin for p in select inhrelid::regclass from pg_inherits"
              + " where inhparent = 'spot'::regclass loop execute format("
              + "'alter table %s set (autovacuum_enabled = false)', p); end loop; end $$");
      c.setAutoCommit(false);
      int pid = backendPid(c);
      System.out.printf(
          "rows per trial %d, rounds %d, preload %d, batch sizes %s, backend pid %d, %s%n",
          rowsPerTrial, rounds, preload, Arrays.toString(batchSizes), pid, version(c));
      for (Candidate candidate : candidates) {
        candidate.prepare(c);
      }
      // Warm-up: every candidate, a batch size in the middle, results thrown away.
      for (Candidate candidate : candidates) {
        execute(c, "truncate spot");
        trial(c, pid, candidate, trialRows.subList(0, Math.min(30_000, rowsPerTrial)), 1000);
      }
      Map<String, List<Figures>> results = new LinkedHashMap<>();
      for (String scenario : scenarios) {
        long preloadedMaxId = 0;
        execute(c, "truncate spot");
        if (scenario.equals("1M")) {
          trial(c, pid, new CopyDirect(), older, 10_000);
          c.setAutoCommit(true);
          execute(c, "vacuum analyze spot");
          c.setAutoCommit(false);
          preloadedMaxId = maxId(c);
        }
        for (int round = 0; round < rounds; round++) {
          List<Candidate> order = new ArrayList<>(candidates);
          java.util.Collections.rotate(order, round);
          for (int batch : batchSizes) {
            for (Candidate candidate : order) {
              reset(c, scenario, preloadedMaxId);
              Figures fresh = trial(c, pid, candidate, trialRows, batch);
              record(results, scenario, batch, candidate.name(), fresh);
              if (scenario.equals("1M")
                  && batch == 1000
                  && !candidate.name().equals("copy-direct")) {
                Figures replay = trial(c, pid, candidate, trialRows, batch);
                record(results, "replay", batch, candidate.name(), replay);
              }
            }
            if (!psql.equals("-")) {
              reset(c, scenario, preloadedMaxId);
              record(results, scenario, batch, "psql-copy", psqlCopy(psql, copyFile, rowsPerTrial));
            }
          }
        }
        reset(c, scenario, preloadedMaxId);
      }
      summary(results);
    } finally {
      Files.deleteIfExists(copyFile);
    }
  }

  private static void record(
      Map<String, List<Figures>> results, String scenario, int batch, String name, Figures f) {
    String key = scenario + " " + (batch == 0 ? "-" : Integer.toString(batch)) + " " + name;
    results.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
    System.out.printf(
        Locale.ROOT,
        "%-8s %5s %-22s rows %7d  %9.0f rows/s  wall %6.2f µs  client CPU %6.2f µs  backend CPU"
            + " %6.2f µs  alloc %7.0f B  per row%n",
        scenario,
        batch == 0 ? "-" : Integer.toString(batch),
        name,
        f.rows(),
        f.rowsPerSecond(),
        f.wallMicrosPerRow(),
        f.clientMicrosPerRow(),
        f.backendMicrosPerRow(),
        f.bytesPerRow());
  }

  private static void summary(Map<String, List<Figures>> results) {
    System.out.println();
    System.out.println(
        "| scenario | batch | candidate | rows/s | wall µs/row | client CPU µs/row | backend CPU"
            + " µs/row | client bytes/row | rows/s vs psql \\copy, same round |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (Map.Entry<String, List<Figures>> e : results.entrySet()) {
      String[] key = e.getKey().split(" ");
      List<Figures> list = e.getValue();
      List<Figures> copy = results.get(key[0] + " " + key[1] + " psql-copy");
      String ratio = "";
      if (copy != null && copy.size() == list.size()) {
        double[] ratios = new double[list.size()];
        for (int i = 0; i < ratios.length; i++) {
          ratios[i] = list.get(i).rowsPerSecond() / copy.get(i).rowsPerSecond();
        }
        Arrays.sort(ratios);
        ratio =
            String.format(
                Locale.ROOT,
                "%.2f (%.2f-%.2f)",
                median(ratios),
                ratios[0],
                ratios[ratios.length - 1]);
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %,.0f | %.2f | %.2f | %.2f | %.0f | %s |%n",
          key[0],
          key[1],
          key[2],
          median(list, Figures::rowsPerSecond),
          median(list, Figures::wallMicrosPerRow),
          median(list, Figures::clientMicrosPerRow),
          median(list, Figures::backendMicrosPerRow),
          median(list, Figures::bytesPerRow),
          ratio);
    }
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double median(List<Figures> list, java.util.function.ToDoubleFunction<Figures> f) {
    return median(list.stream().mapToDouble(f).sorted().toArray());
  }

  private static void reset(Connection c, String scenario, long preloadedMaxId)
      throws SQLException {
    if (scenario.equals("empty")) {
      execute(c, "truncate spot");
      return;
    }
    execute(c, "delete from spot where id > " + preloadedMaxId);
    c.setAutoCommit(true);
    execute(c, "vacuum spot");
    c.setAutoCommit(false);
  }

  private static Figures trial(
      Connection c, int pid, Candidate candidate, List<SpotRow> rows, int batch)
      throws SQLException {
    Sink sink = new Sink();
    long thread = Thread.currentThread().threadId();
    long ticks0 = backendTicks(pid);
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long alloc0 = THREADS.getThreadAllocatedBytes(thread);
    long t0 = System.nanoTime();
    for (int from = 0; from < rows.size(); from += batch) {
      candidate.insert(c, rows.subList(from, Math.min(rows.size(), from + batch)), sink);
      c.commit();
    }
    long wall = System.nanoTime() - t0;
    long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
    long alloc = THREADS.getThreadAllocatedBytes(thread) - alloc0;
    long ticks = backendTicks(pid) - ticks0;
    return new Figures(rows.size(), wall, cpu, alloc, ticks);
  }

  /**
   * {@code psql \copy} of the same rows, one process per trial, driven over its stdin: the
   * backend's pid first, then the copy and a marker query, timed from sending the copy to the
   * marker's answer.
   */
  private static Figures psqlCopy(String conninfo, Path file, int rows) throws IOException {
    Process p =
        new ProcessBuilder("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", conninfo)
            .redirectErrorStream(true)
            .start();
    try (OutputStream stdin = p.getOutputStream();
        Writer in = new java.io.OutputStreamWriter(stdin, StandardCharsets.UTF_8);
        BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      in.write("select pg_backend_pid();\n");
      in.flush();
      int pid = Integer.parseInt(out.readLine().strip());
      long ticks0 = backendTicks(pid);
      long t0 = System.nanoTime();
      in.write("\\copy spot (" + COPY_NAMES + ") from '" + file + "'\nselect 'done';\n");
      in.flush();
      String line;
      while ((line = out.readLine()) != null && !line.strip().equals("done")) {
        if (!line.startsWith("COPY")) {
          throw new IllegalStateException("psql said: " + line);
        }
      }
      long wall = System.nanoTime() - t0;
      long ticks = backendTicks(pid) - ticks0;
      in.write("\\q\n");
      in.flush();
      return new Figures(rows, wall, 0, 0, ticks);
    } finally {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** utime + stime of a process, in clock ticks (100 per second). */
  static long backendTicks(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int backendPid(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
      rs.next();
      int pid = rs.getInt(1);
      c.commit();
      return pid;
    }
  }

  private static String version(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("show server_version")) {
      rs.next();
      String v = "PostgreSQL " + rs.getString(1);
      c.commit();
      return v;
    }
  }

  private static long maxId(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select coalesce(max(id), 0) from spot")) {
      rs.next();
      long id = rs.getLong(1);
      c.commit();
      return id;
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  /**
   * {@code count} distinct spots as the pipeline makes them (LineParserBenchmark's mix, parsed and
   * enriched), {@link #PER_MINUTE} to a minute from {@code first} on.
   */
  static List<SpotRow> rows(int count, Instant first, long seed, CtyDat cty) {
    Random random = new Random(seed);
    LineParser parser = new LineParser();
    Enricher enricher = new Enricher(cty);
    List<SpotRow> templates = new ArrayList<>();
    for (int i = 0; templates.size() < 20_000; i++) {
      ClusterMessage message = parser.parse(LineParserBenchmark.line(random, i), first);
      if (message instanceof Spot spot) {
        templates.add(enricher.row(i % 3 == 0 ? "sim-b" : "sim-a", spot, first));
      }
    }
    // The unique key's columns: rows distinct in them never meet in the table.
    Set<List<Object>> keys = new HashSet<>();
    List<SpotRow> rows = new ArrayList<>(count);
    while (rows.size() < count) {
      int n = rows.size();
      SpotRow t = templates.get(random.nextInt(templates.size()));
      Instant spotted = first.plusSeconds(60L * (n / PER_MINUTE));
      Instant received = spotted.plusNanos(random.nextLong(60_000_000L) * 1000);
      SpotRow row =
          new SpotRow(
              spotted,
              received,
              t.node(),
              t.spotter(),
              t.frequencyHz(),
              t.dxCall(),
              t.comment(),
              t.band(),
              t.mode(),
              t.modeSource(),
              t.snrDb(),
              t.speed(),
              t.speedUnit(),
              t.spotType(),
              t.dxGrid(),
              t.spotterGrid(),
              t.dxEntity(),
              t.dxContinent(),
              t.dxCqZone(),
              t.spotterEntity(),
              t.spotterContinent(),
              t.spotterCqZone(),
              t.backfilled());
      if (keys.add(
          List.of(row.spottedAt(), row.dxCall(), row.spotter(), DedupWindow.tenthsOfKhz(row)))) {
        rows.add(row);
      }
    }
    return rows;
  }
}
