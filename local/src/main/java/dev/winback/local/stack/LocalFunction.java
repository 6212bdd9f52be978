package dev.winback.local.stack;

import dev.winback.handlers.Wiring;
import dev.winback.local.LocalContext;
import dev.winback.local.invoke.HandlerRunner;
import java.time.Duration;
import java.util.Map;

/**
 * One function of the deployed stack, run in this JVM: its handler is made on first use (the function's
 * init) with the environment the stack gave it, and invoked one event at a time, as one Lambda execution
 * environment would be. Events and responses are JSON, converted by Lambda's own serializers.
 */
public final class LocalFunction {

    private final String logicalId;
    private final String name;
    private final String handler;
    private final Map<String, String> environment;
    private final int timeoutSeconds;
    private final int memoryMb;
    private Object instance;

    /**
     * @param logicalId   the template's name (IngestFunction)
     * @param name        the deployed function's name
     * @param handler     {@code package.Class::handleRequest}
     * @param environment the deployed environment variables (resolved names, URLs and ARNs)
     */
    public LocalFunction(String logicalId, String name, String handler, Map<String, String> environment,
                         int timeoutSeconds, int memoryMb) {
        this.logicalId = logicalId;
        this.name = name;
        this.handler = handler;
        this.environment = Map.copyOf(environment);
        this.timeoutSeconds = timeoutSeconds;
        this.memoryMb = memoryMb;
    }

    public String logicalId() {
        return logicalId;
    }

    public String name() {
        return name;
    }

    public Map<String, String> environment() {
        return environment;
    }

    /** Makes the handler now (the function's init) unless it is made: a wiring error shows at start-up. */
    public synchronized void start() {
        if (instance == null) {
            instance = Wiring.withEnvironment(environment, () -> {
                try {
                    return HandlerRunner.load(handler);
                } catch (Exception e) {
                    throw new IllegalStateException(logicalId + " (" + handler + ") failed to start: " + e.getMessage(), e);
                }
            });
        }
    }

    /** The response JSON for this event JSON; the function's exception when it fails. */
    public synchronized byte[] invoke(byte[] event) throws Exception {
        start();
        return HandlerRunner.invoke(instance, event, new LocalContext(logicalId, Duration.ofSeconds(timeoutSeconds), memoryMb));
    }
}
