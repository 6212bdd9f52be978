package dev.winback.core.conversion;

import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.EventType;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** C7: a {@code page_enter}, for the dwell time between a touch's landing page and the order. */
public record PageVisit(String userId, String page, Instant at) {

    public PageVisit {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(at, "at");
    }

    public static Optional<PageVisit> of(BehaviorEvent event) {
        if (event instanceof BehaviorEvent.PageView view && view.type() == EventType.PAGE_ENTER
                && view.envelope().userId() != null) {
            return Optional.of(new PageVisit(view.envelope().userId(), view.page(), view.occurredAt()));
        }
        return Optional.empty();
    }
}
