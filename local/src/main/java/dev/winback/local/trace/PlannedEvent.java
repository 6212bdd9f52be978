package dev.winback.local.trace;

/**
 * One event a source has decided on but not yet written: its time, its type, its session and its
 * own fields as a JSON fragment. The envelope ({@code eventId}, {@code userId}, {@code occurredAt})
 * is added when it is written, in stream order. {@code seq} keeps a source's events that share a
 * millisecond in the order they were planned.
 */
record PlannedEvent(long at, long seq, String type, String sessionId, String fields)
        implements Comparable<PlannedEvent> {

    @Override
    public int compareTo(PlannedEvent other) {
        int byTime = Long.compare(at, other.at);
        return byTime != 0 ? byTime : Long.compare(seq, other.seq);
    }
}
