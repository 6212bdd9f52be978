package dev.winback.local.trace;

import java.util.Arrays;

/**
 * One day's planned activities of a source (a shopper's sessions, a trader's deals...), in time order;
 * activities at the same instant keep the order they were planned in. Primitive arrays, reused from
 * day to day: a large trace has hundreds of thousands of sources, each holding one plan.
 */
final class DayPlan {

    private long[] at = new long[4];
    private byte[] kind = new byte[4];
    private int[] arg = new int[4];
    private int size;
    private int pos;

    /** Starts a new day's plan. */
    void clear() {
        size = 0;
        pos = 0;
    }

    /** An activity of {@code kind} at {@code at}; {@code arg} is the source's own detail (e.g. a campaign index). */
    void add(long at, byte kind, int arg) {
        if (size == this.at.length) {
            this.at = Arrays.copyOf(this.at, size * 2);
            this.kind = Arrays.copyOf(this.kind, size * 2);
            this.arg = Arrays.copyOf(this.arg, size * 2);
        }
        this.at[size] = at;
        this.kind[size] = kind;
        this.arg[size++] = arg;
    }

    /** Puts the plan in time order: an insertion sort, stable, and fast for the handful a day holds. */
    void sort() {
        for (int i = 1; i < size; i++) {
            long t = at[i];
            byte k = kind[i];
            int a = arg[i];
            int j = i - 1;
            while (j >= 0 && at[j] > t) {
                at[j + 1] = at[j];
                kind[j + 1] = kind[j];
                arg[j + 1] = arg[j];
                j--;
            }
            at[j + 1] = t;
            kind[j + 1] = k;
            arg[j + 1] = a;
        }
    }

    boolean hasNext() {
        return pos < size;
    }

    long nextAt() {
        return at[pos];
    }

    byte nextKind() {
        return kind[pos];
    }

    int nextArg() {
        return arg[pos];
    }

    /** Moves past the next activity. */
    void advance() {
        pos++;
    }
}
