package dev.winback.core.dormancy;

import dev.winback.core.recall.Notifier;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * B5: what the content mailbox accepts. One object (its key, when it was dropped, its declared
 * content type and its bytes) is either a valid {@link MailboxEntry} or rejected with a reason fit for
 * an operator and for logs (it never quotes the content).
 *
 * <p>What an object is, in this order:
 * <ul>
 *   <li>{@code .txt}, or no extension with content type {@code text/plain}: the reminder text, UTF-8
 *       (a BOM is dropped, line ends become {@code \n}, surrounding blank space is trimmed);</li>
 *   <li>{@code .eml}, content type {@code message/rfc822}, or no extension and bytes that start with
 *       mail headers (how an SES receipt rule stores mail): a raw mail, see {@link MailboxMime};</li>
 *   <li>a file of a supported type ({@link #ATTACHMENT_TYPES}: pdf, images, Office documents, csv):
 *       attachment only, text null (the caller uses the policy's default text); the first bytes must
 *       match the type where it has a signature (a renamed .exe is not a PDF);</li>
 *   <li>anything else: {@code unsupported content type …}.</li>
 * </ul>
 *
 * <p>Limits ({@link Limits#DEFAULTS}): text at most 500 characters (Unicode code points). The text
 * goes out as an SMS (SNS sends a long text as several parts, each billed: 500 Chinese characters
 * are 8 UCS-2 parts) and as a WeCom text message (content at most 2048 bytes: 500 characters are at most 2000
 * UTF-8 bytes); both still need room for the link. Attachment at most 5 MB (SES v2 takes 10 MB per
 * raw message, base64 grows a file by a third). Object at most 10 MB (a mail carrying a 5 MB
 * attachment, base64, plus its text); larger objects are rejected from their listed size, unread.
 * Subject at most 200 characters.
 */
public final class MailboxRules {

    private static final long MB = 1024L * 1024L;

    /**
     * @param maxTextChars       longest text, in code points
     * @param maxAttachmentBytes largest attachment
     * @param maxObjectBytes     largest mailbox object (checked before it is read)
     * @param maxSubjectChars    longest mail subject
     * @param allowedSenders     mail senders accepted: addresses ({@code ops@example.com}) or domains
     *                           ({@code @example.com}); empty accepts any sender. Set it when an SES
     *                           receipt rule feeds the mailbox: anyone can send mail to that address.
     */
    public record Limits(int maxTextChars, long maxAttachmentBytes, long maxObjectBytes, int maxSubjectChars,
                         List<String> allowedSenders) {

        public static final Limits DEFAULTS = new Limits(500, 5 * MB, 10 * MB, 200, List.of());

        public Limits {
            allowedSenders = List.copyOf(allowedSenders);
        }

        public Limits withAllowedSenders(List<String> senders) {
            return new Limits(maxTextChars, maxAttachmentBytes, maxObjectBytes, maxSubjectChars, senders);
        }
    }

    /**
     * One object as listed, before it is read.
     *
     * @param version changes whenever the content does (S3 ETag; size and mtime of a file), so a
     *                verdict can be remembered
     */
    public record Listed(String key, Instant lastModified, long size, String version) {
    }

    /** The verdict on one object. */
    public sealed interface Result permits Accepted, Rejected {
        String source();
    }

    public record Accepted(MailboxEntry entry) implements Result {
        @Override
        public String source() {
            return entry.source();
        }
    }

    public record Rejected(String source, String reason) implements Result {
    }

    /** Newest drop first: by LastModified, then by key (later key first) for drops within the same instant. */
    public static final Comparator<Listed> NEWEST_FIRST = Comparator.comparing(Listed::lastModified)
            .thenComparing(Listed::key).reversed();

    /** Supported attachment types by file extension. */
    public static final Map<String, String> ATTACHMENT_TYPES = Map.ofEntries(
            Map.entry("pdf", "application/pdf"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("doc", "application/msword"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xls", "application/vnd.ms-excel"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("ppt", "application/vnd.ms-powerpoint"),
            Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            Map.entry("csv", "text/csv"),
            Map.entry("txt", "text/plain")); // as a mail's attachment; a dropped .txt file is the text

    private static final byte[] OLE2 = {(byte) 0xd0, (byte) 0xcf, 0x11, (byte) 0xe0, (byte) 0xa1, (byte) 0xb1, 0x1a, (byte) 0xe1};
    private static final byte[] ZIP = {'P', 'K', 3, 4};

    /** Leading bytes each type must start with, where it has a signature. */
    private static final Map<String, List<byte[]>> SIGNATURES = Map.ofEntries(
            Map.entry("application/pdf", List.of(ascii("%PDF-"))),
            Map.entry("image/png", List.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})),
            Map.entry("image/jpeg", List.of(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff})),
            Map.entry("image/gif", List.of(ascii("GIF87a"), ascii("GIF89a"))),
            Map.entry("image/webp", List.of(ascii("RIFF"))),
            Map.entry("application/msword", List.of(OLE2)),
            Map.entry("application/vnd.ms-excel", List.of(OLE2)),
            Map.entry("application/vnd.ms-powerpoint", List.of(OLE2)),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", List.of(ZIP)),
            Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", List.of(ZIP)),
            Map.entry("application/vnd.openxmlformats-officedocument.presentationml.presentation", List.of(ZIP)));

    /** The key SES writes when a receipt rule's S3 action is created; not content. */
    static final String SES_SETUP_NOTIFICATION = "AMAZON_SES_SETUP_NOTIFICATION";

    private static final Pattern HEADER_LINE = Pattern.compile("^[!-9;-~]+:.*");
    private static final Pattern MAIL_HEADER_NAMES = Pattern.compile(
            "^(received|return-path|from|to|subject|date|message-id|mime-version|delivered-to|dkim-signature"
                    + "|authentication-results|arc-[a-z-]+|x-ses-[a-z-]+):.*",
            Pattern.CASE_INSENSITIVE);

    private MailboxRules() {
    }

    /**
     * Objects that are not drops at all and are skipped without a word: "folder" markers (keys ending
     * in {@code /}), hidden files ({@code .name}) and the SES setup notification.
     */
    public static boolean ignored(String key) {
        if (key.isEmpty() || key.endsWith("/")) {
            return true;
        }
        String name = baseName(key);
        return name.startsWith(".") || name.equals(SES_SETUP_NOTIFICATION);
    }

    /** Rejects an object from its listed size alone, before it is read. */
    public static Optional<Rejected> precheck(Listed listed, Limits limits) {
        if (listed.size() == 0) {
            return Optional.of(new Rejected(listed.key(), "empty object"));
        }
        if (listed.size() > limits.maxObjectBytes()) {
            return Optional.of(new Rejected(listed.key(),
                    "object larger than " + megabytes(limits.maxObjectBytes()) + " (" + listed.size() + " bytes)"));
        }
        return Optional.empty();
    }

    /**
     * The verdict on one object.
     *
     * @param key                 the object's key or file name (its extension decides first)
     * @param declaredContentType the stored Content-Type, or null
     */
    public static Result check(String key, Instant receivedAt, String declaredContentType, byte[] bytes, Limits limits) {
        if (bytes.length == 0) {
            return new Rejected(key, "empty object");
        }
        if (bytes.length > limits.maxObjectBytes()) {
            return new Rejected(key, "object larger than " + megabytes(limits.maxObjectBytes())
                    + " (" + bytes.length + " bytes)");
        }
        String name = baseName(key);
        String extension = extension(name);
        String declared = baseType(declaredContentType);
        if ("txt".equals(extension) || (extension == null && "text/plain".equals(declared))) {
            return textFile(key, receivedAt, bytes, limits);
        }
        if ("eml".equals(extension) || "message/rfc822".equals(declared)
                || (extension == null && looksLikeMail(bytes))) {
            return MailboxMime.parse(key, receivedAt, bytes, limits);
        }
        String type = extension != null ? ATTACHMENT_TYPES.get(extension)
                : declared != null && ATTACHMENT_TYPES.containsValue(declared) ? declared : null;
        if (type == null) {
            String shown = declared == null || declared.endsWith("/octet-stream") ? "application/octet-stream" : declared;
            return new Rejected(key, "unsupported content type " + shown
                    + (extension == null ? " (no file extension)" : " (." + extension + ")"));
        }
        String fileName = extension != null ? name : name + "." + extensionOf(type);
        Optional<String> problem = attachmentProblem(fileName, type, bytes, limits);
        if (problem.isPresent()) {
            return new Rejected(key, problem.get());
        }
        return new Accepted(new MailboxEntry(key, receivedAt, MailboxEntry.Kind.FILE, null, null,
                new Notifier.Attachment(fileName, type, bytes)));
    }

    private static Result textFile(String key, Instant receivedAt, byte[] bytes, Limits limits) {
        String text;
        try {
            text = decodeStrictly(bytes, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            return new Rejected(key, "not valid UTF-8");
        }
        String normalized = normalizeText(text);
        Optional<String> problem = textProblem(normalized, limits);
        if (problem.isPresent()) {
            return new Rejected(key, problem.get());
        }
        return new Accepted(new MailboxEntry(key, receivedAt, MailboxEntry.Kind.TEXT, normalized, null, null));
    }

    /** Drops a BOM, turns CR LF and CR into LF, trims trailing blanks per line and blank lines around. */
    public static String normalizeText(String text) {
        String s = text.startsWith("\uFEFF") ? text.substring(1) : text;
        s = s.replace("\r\n", "\n").replace('\r', '\n');
        s = s.replaceAll("[ \\t\\u00A0]+\\n", "\n");
        return s.strip();
    }

    /** Why a (normalized) text cannot be used, if it cannot. */
    public static Optional<String> textProblem(String text, Limits limits) {
        if (text == null || text.isBlank()) {
            return Optional.of("empty text");
        }
        int chars = text.codePointCount(0, text.length());
        if (chars > limits.maxTextChars()) {
            return Optional.of("text longer than " + limits.maxTextChars() + " characters (" + chars + ")");
        }
        boolean control = text.codePoints().anyMatch(c -> c != '\n' && c != '\t' && Character.getType(c) == Character.CONTROL);
        if (control) {
            return Optional.of("text contains control characters");
        }
        return Optional.empty();
    }

    /** Why a file cannot be an attachment, if it cannot. */
    public static Optional<String> attachmentProblem(String fileName, String type, byte[] bytes, Limits limits) {
        if (bytes.length == 0) {
            return Optional.of("empty attachment");
        }
        if (bytes.length > limits.maxAttachmentBytes()) {
            return Optional.of("attachment larger than " + megabytes(limits.maxAttachmentBytes())
                    + " (" + bytes.length + " bytes)");
        }
        List<byte[]> signatures = SIGNATURES.get(type);
        if (signatures != null && signatures.stream().noneMatch(signature -> startsWith(bytes, signature))) {
            String extension = extension(fileName);
            return Optional.of("content is not " + type + (extension == null ? "" : " (." + extension + ")"));
        }
        return Optional.empty();
    }

    /** The type an attachment named {@code fileName} is sent as, or null if unsupported. */
    public static String attachmentType(String fileName, String declaredContentType) {
        String extension = extension(fileName);
        if (extension != null && ATTACHMENT_TYPES.containsKey(extension)) {
            return ATTACHMENT_TYPES.get(extension);
        }
        String declared = baseType(declaredContentType);
        return extension == null && declared != null && ATTACHMENT_TYPES.containsValue(declared) ? declared : null;
    }

    /**
     * Whether bytes with no file extension are a raw mail: the first lines are header fields (continuation
     * lines allowed) and at least one of them is a field every mail has (From, Date, Received, …).
     */
    public static boolean looksLikeMail(byte[] bytes) {
        int window = Math.min(bytes.length, 65536); // SES adds long DKIM, ARC and Received headers
        String head = new String(bytes, 0, window, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r?\n", -1);
        int complete = window < bytes.length ? lines.length - 1 : lines.length; // the last one may be cut
        int headers = 0;
        boolean known = false;
        for (int i = 0; i < complete; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (headers == 0) {
                    return false;
                }
                continue;
            }
            if (!HEADER_LINE.matcher(line).matches()) {
                return false;
            }
            headers++;
            known |= MAIL_HEADER_NAMES.matcher(line).matches();
            if (headers >= 2 && known) {
                return true;
            }
        }
        // 64 KB of nothing but well-formed header fields is a mail, whatever they are
        return headers >= 2 && (known || complete < lines.length);
    }

    static String decodeStrictly(byte[] bytes, Charset charset) throws CharacterCodingException {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    }

    static String megabytes(long bytes) {
        return bytes % MB == 0 ? bytes / MB + " MB" : bytes + " bytes";
    }

    static String baseName(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? key : key.substring(slash + 1);
    }

    /** The lower-case extension of a file name, or null. */
    static String extension(String name) {
        if (name == null) {
            return null;
        }
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            return null;
        }
        return name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** {@code "Text/Plain; charset=UTF-8"} → {@code "text/plain"}; null or blank → null. */
    static String baseType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String base = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return base.isEmpty() ? null : base;
    }

    private static String extensionOf(String type) {
        return ATTACHMENT_TYPES.entrySet().stream().filter(e -> e.getValue().equals(type)).map(Map.Entry::getKey)
                .sorted().findFirst().orElse("bin");
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
