package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A refusal for want of a partition is told from bad data by the error's fields (PostgreSQL's
 * protocol: C state, M message, t table, n constraint), whatever language the message is in.
 */
class PartitionsTest {
  private static DataAccessException refused(String fields) {
    return new DataAccessException(
        "SQL [insert ...]", new PSQLException(new ServerErrorMessage(fields)));
  }

  @Test
  void noPartitionForTheRowIsAPartitionToMakeInAnyLanguage() {
    assertThat(
            Partitions.isMissingPartition(
                refused(
                    "SERROR\0C23514\0Mno partition of relation \"spot\" found for row\0tspot\0")))
        .isTrue();
    assertThat(
            Partitions.isMissingPartition(
                refused(
                    "SFEHLER\0C23514\0Mkeine Partition von Relation »spot« für die Zeile"
                        + " gefunden\0tspot\0")))
        .isTrue();
  }

  @Test
  void theConversionsOwnCheckIsOneTooButAnyOtherCheckIsBadData() {
    assertThat(
            Partitions.isMissingPartition(
                refused("SERROR\0C23514\0Mviolates\0tspot\0nspot_before_partitions\0")))
        .isTrue();
    // A comment quoting the English message changes nothing: the constraint names itself.
    assertThat(
            Partitions.isMissingPartition(
                refused(
                    "SERROR\0C23514\0Mnew row violates check constraint\0Dno partition of"
                        + " relation\0tspot_p20261207\0nspot_mode_source_known\0")))
        .isFalse();
    assertThat(
            Partitions.isMissingPartition(
                refused("SERROR\0C23505\0Mduplicate key\0tspot\0nspot_identity\0")))
        .isFalse();
  }
}
