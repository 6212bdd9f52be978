package dev.winback.local;

import java.nio.file.Path;

/**
 * Where the repository is, for its own files (the template, the default policies and prices, the
 * emulators' virtual environments, sample events). The {@code winback} script runs the command in the
 * caller's folder, so that paths typed on the command line are the caller's, and names the repository
 * in {@code winback.home}; without it (tests, {@code java -jar}) the current folder is taken.
 */
public final class Home {

    private Home() {
    }

    public static Path path(String relative) {
        String home = System.getProperty("winback.home");
        return home == null || home.isBlank() ? Path.of(relative) : Path.of(home).resolve(relative);
    }

    /** {@code given}, or the repository's file {@code relative} when an option was not given. */
    public static Path orDefault(Path given, String relative) {
        return given != null ? given : path(relative);
    }

    /** A path as a person reads it: a repository file by its name in the repository. */
    public static String shown(Path file) {
        String home = System.getProperty("winback.home");
        if (home != null && !home.isBlank() && file.toAbsolutePath().normalize().startsWith(Path.of(home).toAbsolutePath().normalize())) {
            return Path.of(home).toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString();
        }
        return file.toString();
    }
}
