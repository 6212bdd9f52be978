package dev.winback.it.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, where .venv and infra/tools live. */
public final class RepoRoot {
    private RepoRoot() {
    }

    public static Path get() {
        // Surefire passes it (tests/pom.xml); an IDE run finds it by walking up from the working directory.
        String configured = System.getProperty("winback.repoRoot");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("infra/tools/setup.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no infra/tools/setup.sh above " + cwd + "; set -Dwinback.repoRoot");
    }
}
