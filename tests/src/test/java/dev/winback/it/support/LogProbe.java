package dev.winback.it.support;

/** Run in a JVM of its own on the packaged Lambda jar: logs one line the way the handlers do. */
public final class LogProbe {

    private LogProbe() {
    }

    public static void main(String[] args) {
        org.slf4j.LoggerFactory.getLogger("dev.winback.handlers.Probe").info("probe {}", args.length);
    }
}
