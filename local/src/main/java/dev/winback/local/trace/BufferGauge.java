package dev.winback.local.trace;

/**
 * How many planned events all sources hold at once, and the most they ever held: the generator's
 * whole working set besides the sources' own few fields. Tests assert it stays bounded while the
 * output grows.
 */
final class BufferGauge {

    private long held;
    private long peak;

    void hold() {
        held++;
        if (held > peak) {
            peak = held;
        }
    }

    void release() {
        held--;
    }

    long held() {
        return held;
    }

    long peak() {
        return peak;
    }
}
