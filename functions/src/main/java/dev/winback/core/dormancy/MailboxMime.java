package dev.winback.core.dormancy;

import dev.winback.core.dormancy.MailboxRules.Accepted;
import dev.winback.core.dormancy.MailboxRules.Limits;
import dev.winback.core.dormancy.MailboxRules.Rejected;
import dev.winback.core.dormancy.MailboxRules.Result;
import dev.winback.core.recall.Notifier;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * B5: a raw RFC 822 mail in the content mailbox (an {@code .eml} file, or what an SES receipt rule's S3
 * action stores), parsed with Jakarta Mail (Eclipse Angus).
 *
 * <ul>
 *   <li>Text: the first {@code text/plain} body part. A mail with only an HTML body is converted to
 *       plain text, crudely: scripts, styles and comments dropped, line breaks kept for {@code br},
 *       paragraphs, list items, rows and headings, a link becomes {@code text (url)}, other tags are
 *       dropped, entities decoded, blank space collapsed. A signature after the {@code "-- "} line is
 *       cut. An empty body is fine when the mail has an attachment (the caller then uses the policy's
 *       default text); with neither, the mail is rejected ({@code empty text}).</li>
 *   <li>Attachment: the first part with {@code Content-Disposition: attachment}, or the first part with
 *       a file name outside {@code multipart/related} (inline images of an HTML body, such as a logo in
 *       a signature, are not attachments). Its type comes from its file name's extension (mail clients
 *       often say {@code application/octet-stream}); an unsupported type rejects the mail.</li>
 *   <li>Subject: decoded, kept in {@link MailboxEntry#subject()}.</li>
 *   <li>A mail that SES marked {@code FAIL} for spam or virus ({@code X-SES-Spam-Verdict},
 *       {@code X-SES-Virus-Verdict}) is rejected; so is a sender outside {@link Limits#allowedSenders()}
 *       when that list is set (the reason never names the sender).</li>
 * </ul>
 * Text parts are decoded strictly in their declared charset (UTF-8 when none is declared): GBK, GB18030,
 * Big5, ISO-8859-x, … work; bytes that are not valid in it reject the mail.
 */
final class MailboxMime {

    private static final int MAX_DEPTH = 16;
    private static final Session SESSION = Session.getInstance(sessionProperties());

    private static final Pattern DROP_BLOCKS = Pattern.compile(
            "(?is)<!--.*?-->|<(script|style|head|title)\\b[^>]*>.*?</\\1\\s*>");
    private static final Pattern LINK = Pattern.compile(
            "(?is)<a\\b[^>]*?href\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+))[^>]*>(.*?)</a\\s*>");
    private static final Pattern LINE_BREAKS = Pattern.compile(
            "(?i)<br\\s*/?>|</?(p|div|li|tr|h[1-6]|table|ul|ol|blockquote|pre)\\b[^>]*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");

    private MailboxMime() {
    }

    private static Properties sessionProperties() {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.address.strict", "false");
        return properties;
    }

    /** A reason to reject, thrown from inside the walk over the parts. */
    private static final class Rejection extends Exception {
        Rejection(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final class Found {
        String plain;
        String html;
        Notifier.Attachment attachment;
    }

    static Result parse(String key, Instant receivedAt, byte[] bytes, Limits limits) {
        if (!MailboxRules.looksLikeMail(bytes)) {
            return new Rejected(key, "unparseable MIME: no mail header fields");
        }
        try {
            MimeMessage message = new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
            if (verdictFailed(message, "X-SES-Virus-Verdict")) {
                return new Rejected(key, "rejected by the SES virus verdict");
            }
            if (verdictFailed(message, "X-SES-Spam-Verdict")) {
                return new Rejected(key, "rejected by the SES spam verdict");
            }
            if (!limits.allowedSenders().isEmpty() && !senderAllowed(message, limits)) {
                return new Rejected(key, "sender not allowed");
            }
            String subject = message.getSubject();
            subject = subject == null || subject.isBlank() ? null : subject.strip().replaceAll("\\s+", " ");
            if (subject != null && subject.codePointCount(0, subject.length()) > limits.maxSubjectChars()) {
                return new Rejected(key, "subject longer than " + limits.maxSubjectChars() + " characters");
            }
            Found found = new Found();
            walk(message, 0, false, found, limits);
            String text = found.plain != null ? found.plain : found.html != null ? htmlToText(found.html) : null;
            text = text == null ? null : MailboxRules.normalizeText(cutSignature(MailboxRules.normalizeText(text)));
            if (text != null && text.isEmpty()) {
                text = null;
            }
            if (text == null && found.attachment == null) {
                return new Rejected(key, "empty text");
            }
            if (text != null) {
                Optional<String> problem = MailboxRules.textProblem(text, limits);
                if (problem.isPresent()) {
                    return new Rejected(key, problem.get());
                }
            }
            return new Accepted(new MailboxEntry(key, receivedAt, MailboxEntry.Kind.EMAIL, text, subject, found.attachment));
        } catch (Rejection r) {
            return new Rejected(key, r.getMessage());
        } catch (MessagingException | IOException | RuntimeException e) {
            return new Rejected(key, "unparseable MIME: " + firstClause(e));
        }
    }

    private static void walk(Part part, int depth, boolean inRelated, Found found, Limits limits)
            throws MessagingException, IOException, Rejection {
        if (depth > MAX_DEPTH) {
            throw new Rejection("unparseable MIME: nested deeper than " + MAX_DEPTH + " levels");
        }
        if (part.isMimeType("multipart/*")) {
            MimeMultipart multipart = new MimeMultipart(part.getDataHandler().getDataSource());
            boolean related = inRelated || part.isMimeType("multipart/related");
            for (int i = 0; i < multipart.getCount(); i++) {
                walk(multipart.getBodyPart(i), depth + 1, related, found, limits);
            }
            return;
        }
        String disposition = part.getDisposition();
        String fileName = decodedFileName(part.getFileName());
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition) || (fileName != null && !inRelated);
        if (attachment) {
            if (found.attachment == null) {
                found.attachment = attachment(part, fileName, limits);
            }
            return;
        }
        if (part.isMimeType("text/plain") && found.plain == null) {
            found.plain = text(part);
        } else if (part.isMimeType("text/html") && found.html == null) {
            found.html = text(part);
        }
        // anything else inline (images of an HTML body, calendar parts, …) is not content
    }

    private static Notifier.Attachment attachment(Part part, String fileName, Limits limits)
            throws MessagingException, IOException, Rejection {
        String name = safeFileName(fileName, part);
        String type = MailboxRules.attachmentType(name, part.getContentType());
        if (type == null) {
            String extension = MailboxRules.extension(name);
            throw new Rejection("unsupported content type " + MailboxRules.baseType(part.getContentType())
                    + " (attachment" + (extension == null ? " without extension" : " ." + extension) + ")");
        }
        byte[] bytes = read(part, limits.maxAttachmentBytes());
        if (bytes == null) {
            throw new Rejection("attachment larger than " + MailboxRules.megabytes(limits.maxAttachmentBytes()));
        }
        if (MailboxRules.extension(name) == null) {
            name = name + "." + MailboxRules.ATTACHMENT_TYPES.entrySet().stream()
                    .filter(e -> e.getValue().equals(type)).map(java.util.Map.Entry::getKey).sorted().findFirst().orElse("bin");
        }
        Optional<String> problem = MailboxRules.attachmentProblem(name, type, bytes, limits);
        if (problem.isPresent()) {
            throw new Rejection(problem.get());
        }
        return new Notifier.Attachment(name, type, bytes);
    }

    private static String text(Part part) throws MessagingException, IOException, Rejection {
        String declared = new ContentType(part.getContentType()).getParameter("charset");
        Charset charset;
        try {
            charset = declared == null || declared.isBlank() ? StandardCharsets.UTF_8 : charset(declared.strip());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new Rejection("unsupported charset " + declared.strip());
        }
        byte[] bytes = read(part, Long.MAX_VALUE);
        try {
            return MailboxRules.decodeStrictly(bytes, charset);
        } catch (CharacterCodingException e) {
            throw new Rejection("text part is not valid " + charset.name());
        }
    }

    /**
     * The decoder for a declared charset. As in browsers (WHATWG Encoding), the GB family is read as its
     * superset GB18030 (mail declared {@code gb2312} routinely holds GBK characters), and {@code us-ascii}
     * as UTF-8, its superset (mail clients that declare ASCII and send UTF-8 exist).
     */
    private static Charset charset(String declared) {
        String name = declared.toLowerCase(Locale.ROOT);
        return switch (name) {
            case "gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "x-euc-cn" -> Charset.forName("GB18030");
            case "us-ascii", "ascii", "ansi_x3.4-1968" -> StandardCharsets.UTF_8;
            default -> Charset.forName(MimeUtility.javaCharset(declared));
        };
    }

    /** The decoded bytes of a part, or null when there are more than {@code max}. */
    private static byte[] read(Part part, long max) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16384];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > max) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static boolean verdictFailed(MimeMessage message, String header) throws MessagingException {
        String[] values = message.getHeader(header);
        if (values == null) {
            return false;
        }
        for (String value : values) {
            if (value.strip().equalsIgnoreCase("FAIL")) {
                return true;
            }
        }
        return false;
    }

    private static boolean senderAllowed(MimeMessage message, Limits limits) throws MessagingException {
        Address[] from = message.getFrom();
        if (from == null || from.length != 1 || !(from[0] instanceof InternetAddress address) || address.getAddress() == null) {
            return false;
        }
        String sender = address.getAddress().strip().toLowerCase(Locale.ROOT);
        for (String allowed : limits.allowedSenders()) {
            String a = allowed.strip().toLowerCase(Locale.ROOT);
            if (a.startsWith("@") ? sender.endsWith(a) : sender.equals(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Mail clients (Outlook, Foxmail, QQ Mail) still send file names as RFC 2047 encoded words
     * ({@code =?UTF-8?B?…?=}) rather than RFC 2231 parameters; Jakarta Mail decodes those only when a
     * JVM-wide system property says so, so they are decoded here.
     */
    private static String decodedFileName(String fileName) {
        if (fileName == null || !fileName.contains("=?")) {
            return fileName;
        }
        try {
            return MimeUtility.decodeText(fileName);
        } catch (java.io.UnsupportedEncodingException e) {
            return fileName;
        }
    }

    /** Only the last path segment, no control characters or quotes; a part without a name gets "attachment". */
    private static String safeFileName(String fileName, Part part) {
        String name = fileName == null ? "" : fileName;
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        name = name.replaceAll("[\\p{Cntrl}\"]", "").strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            name = "attachment";
        }
        return name;
    }

    /** Cuts an RFC 3676 signature: everything from a line that is exactly {@code "-- "} (or {@code "--"}). */
    static String cutSignature(String text) {
        String[] lines = text.split("\n", -1);
        StringBuilder kept = new StringBuilder();
        for (String line : lines) {
            if (line.equals("-- ") || line.equals("--")) {
                break;
            }
            kept.append(line).append('\n');
        }
        return kept.toString();
    }

    /** A crude HTML → plain text conversion, enough for a short reminder written in a mail client. */
    static String htmlToText(String html) {
        String s = DROP_BLOCKS.matcher(html).replaceAll(" ");
        Matcher links = LINK.matcher(s);
        StringBuilder withLinks = new StringBuilder();
        while (links.find()) {
            String url = links.group(1) != null ? links.group(1) : links.group(2) != null ? links.group(2) : links.group(3);
            String label = TAG.matcher(links.group(4)).replaceAll("").strip();
            String shown = url.startsWith("http") && !decodeEntities(label).equals(decodeEntities(url))
                    ? (label.isEmpty() ? url : label + " (" + url + ")") : label;
            links.appendReplacement(withLinks, Matcher.quoteReplacement(shown));
        }
        links.appendTail(withLinks);
        s = withLinks.toString();
        s = s.replaceAll("[\\r\\n]+", " "); // source line breaks are not text line breaks in HTML
        s = LINE_BREAKS.matcher(s).replaceAll("\n");
        s = TAG.matcher(s).replaceAll("");
        s = decodeEntities(s);
        s = s.replace('\u00A0', ' ').replaceAll("[ \\t]+", " ").replaceAll(" ?\\n ?", "\n").replaceAll("\\n{2,}", "\n");
        return s.strip();
    }

    private static String decodeEntities(String s) {
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String entity = m.group(1);
            String replacement;
            if (entity.startsWith("#x") || entity.startsWith("#X")) {
                replacement = codePoint(Integer.parseInt(entity.substring(2), 16), m.group());
            } else if (entity.startsWith("#")) {
                replacement = codePoint(Integer.parseInt(entity.substring(1)), m.group());
            } else {
                replacement = switch (entity.toLowerCase(Locale.ROOT)) {
                    case "amp" -> "&";
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "quot" -> "\"";
                    case "apos" -> "'";
                    case "nbsp" -> " ";
                    case "mdash" -> "\u2014";
                    case "ndash" -> "\u2013";
                    case "hellip" -> "\u2026";
                    case "yen" -> "\u00A5";
                    case "copy" -> "\u00A9";
                    default -> m.group();
                };
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String codePoint(int cp, String original) {
        return Character.isValidCodePoint(cp) && cp != 0 ? new String(Character.toChars(cp)) : original;
    }

    /** The start of an exception's message: enough to say what is wrong, never the content around it. */
    private static String firstClause(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        message = message.replaceFirst("^[A-Za-z0-9_.]+: ", ""); // "BASE64Decoder: Error in …" → "Error in …"
        int cut = message.length();
        for (char c : new char[] {':', ',', ';', '\n', '"'}) {
            int at = message.indexOf(c);
            if (at > 0) {
                cut = Math.min(cut, at);
            }
        }
        String clause = message.substring(0, Math.min(cut, 100)).strip();
        return clause.isEmpty() ? e.getClass().getSimpleName() : clause;
    }
}
