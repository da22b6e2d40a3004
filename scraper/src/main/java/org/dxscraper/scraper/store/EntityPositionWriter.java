package org.dxscraper.scraper.store;

import static org.dxscraper.db.jooq.Tables.DXCC_ENTITY;
import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dxscraper.db.jooq.tables.records.DxccEntityRecord;
import org.dxscraper.scraper.enrich.Dxcc;
import org.dxscraper.scraper.enrich.EntityPosition;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep8;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code dxcc_entity} table equal to the loaded cty.dat: one upsert of every entity at
 * start, so that a map panel can place the spotted entities. Entities the file no longer lists are
 * kept: old spots still name them.
 *
 * <p>Not part of storing spots: a refusal is logged as one WARN line and the daemon goes on, since
 * the map is the only thing that needs the table.
 */
public final class EntityPositionWriter {
  private static final Logger log = LoggerFactory.getLogger(EntityPositionWriter.class);

  private EntityPositionWriter() {}

  /**
   * Writes {@code positions} in one statement and returns how many rows it inserted or changed (an
   * unchanged entity is not rewritten). Returns -1, after one WARN line, when the database refused.
   */
  public static int store(DSLContext dsl, List<EntityPosition> positions, Instant now) {
    // The first header of a name wins, as it does for lookups; one statement may not change a row
    // twice.
    Map<String, EntityPosition> byName = new LinkedHashMap<>();
    positions.forEach(p -> byName.putIfAbsent(p.dxcc().entity(), p));
    if (byName.isEmpty()) {
      return 0;
    }
    OffsetDateTime updatedAt = now.atOffset(ZoneOffset.UTC);
    InsertValuesStep8<
            DxccEntityRecord, String, String, String, Short, Short, Double, Double, OffsetDateTime>
        insert =
            dsl.insertInto(
                DXCC_ENTITY,
                DXCC_ENTITY.ENTITY,
                DXCC_ENTITY.PRIMARY_PREFIX,
                DXCC_ENTITY.CONTINENT,
                DXCC_ENTITY.CQ_ZONE,
                DXCC_ENTITY.ITU_ZONE,
                DXCC_ENTITY.LATITUDE,
                DXCC_ENTITY.LONGITUDE,
                DXCC_ENTITY.UPDATED_AT);
    for (EntityPosition p : byName.values()) {
      Dxcc d = p.dxcc();
      insert =
          insert.values(
              d.entity(),
              d.primaryPrefix(),
              d.continent(),
              (short) d.cqZone(),
              (short) d.ituZone(),
              p.latitude(),
              p.longitude(),
              updatedAt);
    }
    try {
      return insert
          .onConflict(DXCC_ENTITY.ENTITY)
          .doUpdate()
          .set(DXCC_ENTITY.PRIMARY_PREFIX, excluded(DXCC_ENTITY.PRIMARY_PREFIX))
          .set(DXCC_ENTITY.CONTINENT, excluded(DXCC_ENTITY.CONTINENT))
          .set(DXCC_ENTITY.CQ_ZONE, excluded(DXCC_ENTITY.CQ_ZONE))
          .set(DXCC_ENTITY.ITU_ZONE, excluded(DXCC_ENTITY.ITU_ZONE))
          .set(DXCC_ENTITY.LATITUDE, excluded(DXCC_ENTITY.LATITUDE))
          .set(DXCC_ENTITY.LONGITUDE, excluded(DXCC_ENTITY.LONGITUDE))
          .set(DXCC_ENTITY.UPDATED_AT, excluded(DXCC_ENTITY.UPDATED_AT))
          .where(
              row(
                      DXCC_ENTITY.PRIMARY_PREFIX,
                      DXCC_ENTITY.CONTINENT,
                      DXCC_ENTITY.CQ_ZONE,
                      DXCC_ENTITY.ITU_ZONE,
                      DXCC_ENTITY.LATITUDE,
                      DXCC_ENTITY.LONGITUDE)
                  .isDistinctFrom(
                      row(
                          excluded(DXCC_ENTITY.PRIMARY_PREFIX),
                          excluded(DXCC_ENTITY.CONTINENT),
                          excluded(DXCC_ENTITY.CQ_ZONE),
                          excluded(DXCC_ENTITY.ITU_ZONE),
                          excluded(DXCC_ENTITY.LATITUDE),
                          excluded(DXCC_ENTITY.LONGITUDE))))
          .execute();
    } catch (DataAccessException e) {
      log.warn(
          "dxcc_entity not updated from cty.dat ({} entities): {}; the map keeps older positions",
          byName.size(),
          e.getMessage());
      return -1;
    }
  }
}
