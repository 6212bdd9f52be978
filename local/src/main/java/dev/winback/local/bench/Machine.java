package dev.winback.local.bench;

import java.lang.management.ManagementFactory;

/**
 * What the figures were measured on: cores, memory, JDK, OS and the load average before and after
 * (throughput on a shared machine is only comparable at similar load).
 */
public record Machine(int cores, long memoryBytes, String jdk, String os, double loadBefore, double loadAfter) {

    public static Machine now() {
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
        return new Machine(Runtime.getRuntime().availableProcessors(), memory,
                System.getProperty("java.vm.vendor") + " " + Runtime.version(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                load(), Double.NaN);
    }

    public Machine finished() {
        return new Machine(cores, memoryBytes, jdk, os, loadBefore, load());
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    @Override
    public String toString() {
        return String.format("%d cores, %.1f GiB, JDK %s, %s, load average %.2f before / %.2f after",
                cores, memoryBytes / (1024.0 * 1024 * 1024), jdk, os, loadBefore, loadAfter);
    }
}
