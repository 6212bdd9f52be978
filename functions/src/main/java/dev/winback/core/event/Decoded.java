package dev.winback.core.event;

/** The result of decoding one record: an event, or the reason it was rejected. */
public sealed interface Decoded {

    record Accepted(BehaviorEvent event) implements Decoded {
    }

    record Rejected(Rejection rejection) implements Decoded {
    }
}
