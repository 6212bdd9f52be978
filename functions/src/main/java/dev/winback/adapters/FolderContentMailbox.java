package dev.winback.adapters;

import dev.winback.core.dormancy.ContentMailbox;
import dev.winback.core.dormancy.MailboxEntry;
import dev.winback.core.dormancy.MailboxRules;
import dev.winback.core.dormancy.MailboxRules.Listed;
import dev.winback.core.dormancy.ReminderContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * B5 for local runs: the content mailbox is a folder. Each regular file directly in it is a candidate,
 * judged by the same {@link MailboxRules} as the S3 mailbox (its name's extension, or mail headers for a
 * file without one; no stored content type), newest by modification time then name, cached for
 * {@code ttl}. Hidden files are skipped. A missing folder is an empty mailbox. The link is the file's
 * {@code file:} URI; a mail's attachment is first written to {@code .attachments/<mail file name>/} in
 * the folder (hidden, so never a candidate itself).
 */
public final class FolderContentMailbox implements ContentMailbox {

    static final String ATTACHMENTS = ".attachments";

    private final Path dir;
    private final MailboxScanner scanner;

    public FolderContentMailbox(Path dir, Clock clock) {
        this(dir, S3ContentMailbox.CACHE_TTL, MailboxRules.Limits.DEFAULTS, clock);
    }

    public FolderContentMailbox(Path dir, Duration cacheTtl, MailboxRules.Limits limits, Clock clock) {
        this.dir = dir;
        this.scanner = new MailboxScanner(dir.toString(), new Store(), limits, cacheTtl, clock);
    }

    @Override
    public Optional<ReminderContent> current() {
        return scanner.current();
    }

    /** Drops the cached answer, so the next {@link #current()} reads the folder again. */
    public void refresh() {
        scanner.refresh();
    }

    private final class Store implements MailboxScanner.Store {

        @Override
        public List<Listed> list() {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            List<Listed> listed = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    BasicFileAttributes attributes;
                    try {
                        attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    } catch (NoSuchFileException gone) {
                        continue;
                    }
                    if (!attributes.isRegularFile()) {
                        continue;
                    }
                    listed.add(new Listed(file.getFileName().toString(), attributes.lastModifiedTime().toInstant(),
                            attributes.size(), attributes.size() + "/" + attributes.lastModifiedTime().toMillis()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the content mailbox " + dir, e);
            }
            return listed;
        }

        @Override
        public MailboxScanner.Fetched fetch(Listed listed) {
            try {
                return new MailboxScanner.Fetched(null, Files.readAllBytes(dir.resolve(listed.key())));
            } catch (NoSuchFileException gone) {
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dir.resolve(listed.key()), e);
            }
        }

        @Override
        public String link(MailboxEntry entry, Listed listed) {
            if (entry.kind() == MailboxEntry.Kind.FILE) {
                return dir.resolve(listed.key()).toUri().toString();
            }
            Path file = dir.resolve(ATTACHMENTS).resolve(S3ContentMailbox.objectName(listed.key()))
                    .resolve(S3ContentMailbox.objectName(entry.attachment().fileName()));
            try {
                Files.createDirectories(file.getParent());
                Files.write(file, entry.attachment().bytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the attachment of " + listed.key() + " to " + file, e);
            }
            return file.toUri().toString();
        }
    }
}
