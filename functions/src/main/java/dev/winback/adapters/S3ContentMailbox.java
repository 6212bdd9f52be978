package dev.winback.adapters;

import dev.winback.core.dormancy.ContentMailbox;
import dev.winback.core.dormancy.MailboxEntry;
import dev.winback.core.dormancy.MailboxRules;
import dev.winback.core.dormancy.MailboxRules.Listed;
import dev.winback.core.dormancy.ReminderContent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;

/**
 * B5: the content mailbox in S3: every object under {@code s3://bucket/prefix} is a candidate (a text
 * file, a raw mail such as an SES receipt rule's S3 action stores, or a file), judged by
 * {@link MailboxRules}; the newest valid one is the current content (see {@link MailboxScanner}: newest
 * by LastModified then key, cached for 5 minutes, each object read once per ETag).
 *
 * <p>The link that SMS and WeCom get instead of the file is a presigned GET URL, valid for
 * {@code linkLifetime} (at most 7 days, SigV4's limit; a new one is signed at every refresh of the
 * cache) and answering with the attachment's content type and file name. A presigned URL is only as
 * valid as the credentials that signed it: signed with a Lambda role's temporary credentials it stops
 * working when that session expires, hours rather than days. A file dropped as such is linked where it
 * lies; a mail's attachment is first written once, under {@code attachmentPrefix} (default: the mailbox
 * prefix with {@code -attachments/}), to {@code <hash of key and ETag>/<file name>}, which is never
 * itself a candidate.
 *
 * <p>IAM: {@code s3:ListBucket} on the bucket (for the prefix), {@code s3:GetObject} on the prefix,
 * {@code s3:PutObject} and {@code s3:GetObject} on the attachment prefix.
 */
public final class S3ContentMailbox implements ContentMailbox {

    public static final Duration CACHE_TTL = Duration.ofMinutes(5);
    public static final Duration MAX_LINK_LIFETIME = Duration.ofDays(7);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final String attachmentPrefix;
    private final Duration linkLifetime;
    private final MailboxScanner scanner;
    /** source key → (ETag, key of its extracted attachment), so an attachment is written once per container. */
    private final Map<String, String[]> extracted = new LinkedHashMap<>();

    public S3ContentMailbox(S3Client s3, S3Presigner presigner, String bucket, String prefix, Duration linkLifetime,
                            Clock clock) {
        this(s3, presigner, bucket, prefix, defaultAttachmentPrefix(prefix), linkLifetime, CACHE_TTL,
                MailboxRules.Limits.DEFAULTS, clock);
    }

    public S3ContentMailbox(S3Client s3, S3Presigner presigner, String bucket, String prefix, String attachmentPrefix,
                            Duration linkLifetime, Duration cacheTtl, MailboxRules.Limits limits, Clock clock) {
        if (linkLifetime.isNegative() || linkLifetime.isZero() || linkLifetime.compareTo(MAX_LINK_LIFETIME) > 0) {
            throw new IllegalArgumentException("linkLifetime must be within (0, 7 days], got " + linkLifetime);
        }
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = folder(prefix);
        this.attachmentPrefix = folder(attachmentPrefix);
        if (this.attachmentPrefix.isEmpty() || this.attachmentPrefix.equals(this.prefix)) {
            throw new IllegalArgumentException("the attachment prefix must be a prefix of its own, got '" + attachmentPrefix + "'");
        }
        this.linkLifetime = linkLifetime;
        this.scanner = new MailboxScanner("s3://" + bucket + "/" + this.prefix, new Store(), limits, cacheTtl, clock);
    }

    /** {@code mailbox/} → {@code mailbox-attachments/}; the bucket root → {@code mailbox-attachments/}. */
    public static String defaultAttachmentPrefix(String prefix) {
        String folder = folder(prefix);
        return folder.isEmpty() ? "mailbox-attachments/" : folder.substring(0, folder.length() - 1) + "-attachments/";
    }

    @Override
    public Optional<ReminderContent> current() {
        return scanner.current();
    }

    /** Drops the cached answer, so the next {@link #current()} lists the mailbox again. */
    public void refresh() {
        scanner.refresh();
    }

    private static String folder(String prefix) {
        if (prefix == null || prefix.isEmpty() || prefix.equals("/")) {
            return "";
        }
        String p = prefix.startsWith("/") ? prefix.substring(1) : prefix;
        return p.endsWith("/") ? p : p + "/";
    }

    private final class Store implements MailboxScanner.Store {

        @Override
        public List<Listed> list() {
            return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                    .filter(o -> !o.key().startsWith(attachmentPrefix))
                    .map(o -> new Listed(o.key(), o.lastModified(), o.size() == null ? 0 : o.size(),
                            o.eTag() + "/" + o.size() + "/" + o.lastModified()))
                    .toList();
        }

        @Override
        public MailboxScanner.Fetched fetch(Listed listed) {
            try {
                ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(listed.key()));
                return new MailboxScanner.Fetched(object.response().contentType(), object.asByteArray());
            } catch (NoSuchKeyException gone) {
                return null;
            }
        }

        @Override
        public String link(MailboxEntry entry, Listed listed) {
            String key = entry.kind() == MailboxEntry.Kind.FILE ? listed.key() : extract(entry, listed);
            String fileName = entry.attachment().fileName();
            GetObjectPresignRequest request = GetObjectPresignRequest.builder()
                    .signatureDuration(linkLifetime)
                    .getObjectRequest(b -> b.bucket(bucket).key(key)
                            .responseContentType(entry.attachment().contentType())
                            .responseContentDisposition(inline(fileName)))
                    .build();
            return presigner.presignGetObject(request).url().toString();
        }

        /** Writes a mail's attachment to an object of its own (once per mail version) and returns its key. */
        private String extract(MailboxEntry entry, Listed listed) {
            synchronized (extracted) {
                String[] known = extracted.get(listed.key());
                if (known != null && known[0].equals(listed.version())) {
                    return known[1];
                }
            }
            String key = attachmentPrefix + hash(listed.key() + "\n" + listed.version()) + "/"
                    + objectName(entry.attachment().fileName());
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(entry.attachment().contentType())
                            .contentDisposition(inline(entry.attachment().fileName())),
                    RequestBody.fromBytes(entry.attachment().bytes()));
            synchronized (extracted) {
                extracted.clear(); // only the entry in use is linked
                extracted.put(listed.key(), new String[] {listed.version(), key});
            }
            return key;
        }
    }

    /** {@code inline; filename="ascii"; filename*=UTF-8''percent-encoded} (RFC 6266), so non-ASCII names survive. */
    static String inline(String fileName) {
        String ascii = fileName.replaceAll("[^\\x20-\\x7e]", "_").replace("\"", "_").replace("\\", "_");
        String encoded = URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
        return "inline; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    /** A file name safe as the last segment of a key: letters, digits, {@code . _ -}; others become {@code _}. */
    static String objectName(String fileName) {
        String name = fileName.replaceAll("[^\\p{L}\\p{N}._-]", "_");
        return name.isEmpty() || name.startsWith(".") ? "attachment" + name : name;
    }

    private static String hash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
