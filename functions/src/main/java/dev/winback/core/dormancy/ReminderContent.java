package dev.winback.core.dormancy;

import dev.winback.core.recall.Notifier;
import java.time.Instant;

/**
 * B5: the operators' custom reminder content, the latest valid drop in the content mailbox.
 *
 * @param text       the reminder text (may contain {@code {link}} where the link goes)
 * @param link       where a file can be fetched (SMS and WeCom get this instead of the file), or null
 * @param attachment the file itself, for email, or null
 * @param source     where it came from (mailbox object key), for decisions and operators
 */
public record ReminderContent(String text, String link, Notifier.Attachment attachment, String source,
                              Instant receivedAt) {
}
