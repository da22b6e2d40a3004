package org.dxscraper.scraper.ingest;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.dxscraper.scraper.store.Journal;

/**
 * Whether the daemon reads from the nodes: it does while no part asks it to stop. The journal (its
 * size, the free disk, a failed write) and the writer's backlog each pause for a reason of their
 * own, and reading resumes only when every reason has gone: one part's resume must not undo
 * another's pause.
 */
final class ReadingGate implements Journal.Listener {
  private final Consumer<Boolean> setReading;
  private final Set<String> reasons = new TreeSet<>();

  /**
   * @param setReading told {@code false} to stop reading from every node, {@code true} to go on
   */
  ReadingGate(Consumer<Boolean> setReading) {
    this.setReading = setReading;
  }

  @Override
  public synchronized void pause(String reason) {
    if (reasons.add(reason) && reasons.size() == 1) {
      setReading.accept(false);
    }
  }

  @Override
  public synchronized void resume(String reason) {
    if (reasons.remove(reason) && reasons.isEmpty()) {
      setReading.accept(true);
    }
  }

  /** Why reading is paused; empty while it runs. */
  synchronized Set<String> reasons() {
    return Set.copyOf(reasons);
  }
}
