package dev.winback.core.segments;

import java.util.List;

/** Port: tells subscribers that users entered or left segments (C2). */
public interface SegmentChangePublisher {

    /**
     * Publishes every change or throws: a partial publication throws too, and the caller publishes
     * the same changes again (subscribers dedupe by {@link SegmentChange#changeId()}).
     */
    void publish(List<SegmentChange> changes);
}
