package dev.winback.local.bench;

/**
 * How long {@code winback bench} measures. {@link #fullRun()} is what BENCHMARKS.md publishes;
 * {@link #quickRun()} is a smoke run (not warmed up, smaller populations); {@link #smokeRun()} is the tests'
 * (in-process JMH, 0.1 s iterations).
 *
 * @param forks JMH forks per benchmark (0: in this JVM, the group's JVM flags ignored)
 * @param iterationSeconds overrides every group's iteration time when above 0
 */
public record BenchSettings(boolean quick, int forks, double iterationSeconds) {

    public static BenchSettings fullRun() {
        return new BenchSettings(false, 1, 0);
    }

    public static BenchSettings quickRun() {
        return new BenchSettings(true, 1, 1);
    }

    public static BenchSettings smokeRun() {
        return new BenchSettings(true, 0, 0.1);
    }

    /** {@code full} in a full run, {@code quick} in the shorter ones: population sizes and repeats. */
    public int pick(int full, int quick) {
        return this.quick ? quick : full;
    }
}
