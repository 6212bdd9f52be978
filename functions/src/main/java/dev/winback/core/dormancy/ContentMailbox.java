package dev.winback.core.dormancy;

import java.util.Optional;

/** Port: the current custom reminder content (S3 mailbox in AWS, a folder locally). */
public interface ContentMailbox {

    /** @return the latest valid content, or empty to use the policy's default text */
    Optional<ReminderContent> current();
}
