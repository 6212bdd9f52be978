package dev.winback.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, for tests that need a real browser to run a page's JavaScript.
 * {@code infra/install-chromium.sh} (run by {@code ./winback test}) installs the pinned version. Without
 * it a test is skipped with the reason — except in CI ({@code CI=true}), where a missing browser
 * would silently drop the test, so it fails instead.
 */
final class HeadlessChromium {

    /** Debian's package first (what the install script pins), then what other machines (CI images) may have. */
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** The browser ({@code WINBACK_CHROMIUM} or Debian's path), or the test is skipped (failed in CI). */
    static HeadlessChromium required() {
        Optional<Path> found = find();
        if (found.isPresent()) {
            return new HeadlessChromium(found.get());
        }
        String configured = System.getenv("WINBACK_CHROMIUM");
        String why = (configured != null && !configured.isBlank()
                ? "WINBACK_CHROMIUM=" + configured + " is not an executable file"
                : "no Chromium at " + CANDIDATES + " (or WINBACK_CHROMIUM)")
                + ": run infra/install-chromium.sh as root (Debian: apt-get install chromium) to render the HTML "
                + "report in a headless browser";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why + " — required in CI");
        }
        Assumptions.abort("skipped: " + why);
        throw new AssertionError("unreachable");
    }

    private static Optional<Path> find() {
        String configured = System.getenv("WINBACK_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        return CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /**
     * Loads {@code page} from disk, lets its scripts run (virtual time: timers complete without waiting)
     * and returns the DOM as the browser then serializes it.
     */
    String dumpDom(Path page, Path scratch) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(scratch.resolve("chromium-profile"));
        Path stdout = scratch.resolve("dom.html");
        Path stderr = scratch.resolve("chromium.log");
        Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile, "--window-size=1280,2000",
                "--virtual-time-budget=5000", "--dump-dom", page.toAbsolutePath().toUri().toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("chromium did not finish within 120 s; its log: " + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        assertEquals(0, process.exitValue(), () -> "chromium failed; its log: " + read(stderr));
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
