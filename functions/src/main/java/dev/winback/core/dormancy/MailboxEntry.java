package dev.winback.core.dormancy;

import dev.winback.core.recall.Notifier;
import java.time.Instant;

/**
 * B5: one valid drop in the content mailbox, as {@link MailboxRules} read it. It carries more than
 * {@link ReminderContent} (the kind, the mail's subject); {@link #toContent(String)} gives the port's view.
 *
 * @param source     the mailbox object's key (S3) or file name (folder)
 * @param receivedAt when it was dropped (the object's LastModified / the file's mtime)
 * @param kind       what was dropped
 * @param text       the reminder text, or null for an attachment-only drop: the caller then uses the
 *                   policy's default text
 * @param subject    the mail's Subject (kind {@code EMAIL}), usable as the reminder email's subject, or null
 * @param attachment the file to send (email) or to link to (SMS, WeCom), or null
 */
public record MailboxEntry(String source, Instant receivedAt, Kind kind, String text, String subject,
                           Notifier.Attachment attachment) {

    public enum Kind {
        /** a UTF-8 text file: the text */
        TEXT,
        /** a raw RFC 822 mail (.eml, or stored by an SES receipt rule): text, subject, first attachment */
        EMAIL,
        /** any other supported file (pdf, png, …): attachment only */
        FILE
    }

    /** The port's view; {@code link} (where the attachment can be fetched) is kept only if there is an attachment. */
    public ReminderContent toContent(String link) {
        return new ReminderContent(text, attachment == null ? null : link, attachment, source, receivedAt);
    }

    /** The port's view without a link (email only carries the file itself). */
    public ReminderContent toContent() {
        return toContent(null);
    }
}
