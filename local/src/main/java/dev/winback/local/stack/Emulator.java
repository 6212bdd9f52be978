package dev.winback.local.stack;

import dev.winback.local.WinbackCommand.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A MiniStack (the AWS emulator installed in .venv by infra/tools/setup.sh) started for the local stack
 * on 127.0.0.1 only, with no state carried over from an earlier run; {@link #close()} stops it.
 * Started the way the integration tests start theirs (tests/.../support/MiniStack.java).
 */
public final class Emulator implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(10);

    private final Process process;
    private final URI endpoint;
    private final Path log;

    private Emulator(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    /** Installs .venv if needed, starts MiniStack on this port and waits until it answers. */
    public static Emulator start(Path root, int port, String region, Path log) {
        runSetup(root);
        if (!portFree(port)) {
            throw new UserError("port " + port + " on 127.0.0.1 is taken (another emulator?): choose one with --port, "
                    + "or use `./winback serve --endpoint http://127.0.0.1:" + port + "` to run against it");
        }
        Path executable = root.resolve(".venv/bin/ministack");
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(executable.toString())
                    .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("GATEWAY_PORT", Integer.toString(port));
            env.put("BIND_HOST", "127.0.0.1"); // its default is 0.0.0.0
            env.put("MINISTACK_REGION", region);
            env.put("PERSIST_STATE", "0"); // never reload state left by an earlier run
            env.remove("LOCALSTACK_PERSISTENCE");
            env.remove("SERVICES"); // a developer's filter would hide services the stack needs
            Emulator emulator = new Emulator(builder.start(), URI.create("http://127.0.0.1:" + port), log);
            if (!emulator.awaitReady()) {
                emulator.close();
                throw new IllegalStateException("MiniStack did not become ready on " + emulator.endpoint + " within "
                        + START_TIMEOUT.toSeconds() + " s; end of " + log + ":\n" + tail(log));
            }
            return emulator;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + executable, e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public Path log() {
        return log;
    }

    /** True when something answers MiniStack's readiness probe at this endpoint. */
    public static boolean isReady(URI endpoint) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(endpoint.resolve("/_ministack/ready")).timeout(Duration.ofSeconds(2)).build();
        try {
            return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notListening) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            if (isReady(endpoint)) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** SIGTERM (MiniStack shuts down cleanly), then a kill after 5 s. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** infra/tools/setup.sh: builds .venv (emulator) and .venv-sam (the SAM translator) when their pins changed. */
    static void runSetup(Path root, String... targets) {
        List<String> command = new java.util.ArrayList<>(List.of("bash", root.resolve("infra/tools/setup.sh").toString()));
        command.addAll(targets.length == 0 ? List.of("emulator") : List.of(targets));
        try {
            Process setup = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
            byte[] output = setup.getInputStream().readAllBytes();
            boolean finished = setup.waitFor(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!finished || setup.exitValue() != 0) {
                setup.destroyForcibly();
                throw new IllegalStateException("infra/tools/setup.sh " + String.join(" ", command.subList(2, command.size()))
                        + " failed:\n" + new String(output, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void runSetup(Path root) {
        runSetup(root, "emulator");
    }

    private static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
