package dev.winback.local.trace;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A stream of events in time order: one user, one delivery zone, one merchant, the campaign
 * calendar. {@link TraceGenerator} merges all sources by {@link #nextAt()}.
 *
 * <p>A source plans in <em>activities</em> (a session, a push message, a deal, a pressure reading):
 * it knows when its next activity starts, and only when that time is the earliest of the whole trace
 * does it expand the activity into events, into a small buffer of its own. Every event of an
 * activity is at or after the activity's start, so {@code nextAt()} — the earlier of the buffer's
 * head and the next activity's start — is a lower bound on everything the source will still
 * produce, which is what makes the merge's output time-ordered. {@link #emit} enforces that bound.
 */
abstract class Source {

    /** Earliest next event first; ties by the fixed source order, so the merge is deterministic. */
    static final Comparator<Source> BY_NEXT_EVENT = Comparator.comparingLong(Source::nextAt)
            .thenComparingInt(source -> source.order);

    /** No more activities. */
    static final long NEVER = Long.MAX_VALUE;

    final int order;
    /** The user the events are about; null for ops sources. */
    final String userId;
    private final BufferGauge gauge;
    private PriorityQueue<PlannedEvent> buffer;
    private long seq;
    private long floor = Long.MIN_VALUE;
    /** When the next activity starts (its events are at or after it), or {@link #NEVER}. */
    protected long nextActivityAt = NEVER;

    Source(int order, String userId, BufferGauge gauge) {
        this.order = order;
        this.userId = userId;
        this.gauge = gauge;
    }

    final long nextAt() {
        return buffer == null ? nextActivityAt : Math.min(buffer.peek().at(), nextActivityAt);
    }

    /**
     * The next buffered event when no activity can come before it; otherwise expands the next
     * activity and returns null (the caller re-queues this source under its new {@link #nextAt()}).
     */
    final PlannedEvent step() {
        if (buffer != null && buffer.peek().at() <= nextActivityAt) {
            PlannedEvent event = buffer.poll();
            gauge.release();
            if (buffer.isEmpty()) {
                buffer = null; // most users are idle most of the time: hold no queue for them
            }
            return event;
        }
        floor = nextActivityAt;
        expandNextActivity();
        if (nextActivityAt < floor) {
            throw new IllegalStateException(getClass().getSimpleName() + " planned an activity in the past");
        }
        return null;
    }

    /**
     * Expands the activity starting at {@link #nextActivityAt} into events (through {@link #emit})
     * and moves {@code nextActivityAt} to the following activity.
     */
    protected abstract void expandNextActivity();

    protected final void emit(long at, String type, String sessionId, String fields) {
        if (at < floor) {
            throw new IllegalStateException(type + " planned at " + at + ", before its activity (" + floor + ")");
        }
        if (buffer == null) {
            buffer = new PriorityQueue<>();
        }
        buffer.add(new PlannedEvent(at, seq++, type, sessionId, fields));
        gauge.hold();
    }
}
