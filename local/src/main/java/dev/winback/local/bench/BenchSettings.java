package dev.winback.local.bench;

/**
 * How long {@code winback bench} measures. {@link #fullRun()} is what BENCHMARKS.md publishes;
 * {@link #quickRun()} is a smoke run (not warmed up, smaller populations); {@link #smokeRun()} is the tests'
 * (in-process JMH, 0.1 s iterations).
 *
 * @param forks JMH forks per benchmark (0: in this JVM, the group's JVM flags ignored)
 * @param iterationSeconds overrides every group's iteration time when above 0
 * @param shrink divides the quick populations (the tests' smoke run: 5)
 */
public record BenchSettings(boolean quick, int forks, double iterationSeconds, int shrink) {

    public static BenchSettings fullRun() {
        return new BenchSettings(false, 1, 0, 1);
    }

    public static BenchSettings quickRun() {
        return new BenchSettings(true, 1, 1, 1);
    }

    public static BenchSettings smokeRun() {
        return new BenchSettings(true, 0, 0.1, 5);
    }

    /** A population size: {@code full} in a full run, {@code quick} (divided by {@code shrink}) in the shorter ones. */
    /** How many times to repeat a measurement: {@code full} or {@code quick}, never shrunk. */
    public int repeats(int full, int quick) {
        return this.quick ? quick : full;
    }

    public int pick(int full, int quick) {
        return this.quick ? Math.max(1, quick / shrink) : full;
    }
}
