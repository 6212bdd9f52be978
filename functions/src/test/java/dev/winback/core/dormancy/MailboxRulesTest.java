package dev.winback.core.dormancy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.dormancy.MailboxRules.Accepted;
import dev.winback.core.dormancy.MailboxRules.Limits;
import dev.winback.core.dormancy.MailboxRules.Listed;
import dev.winback.core.dormancy.MailboxRules.Rejected;
import dev.winback.core.dormancy.MailboxRules.Result;
import dev.winback.core.recall.Notifier;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** B5: what the content mailbox accepts as text files and plain files, and in which order it looks. */
class MailboxRulesTest {

    static final Instant AT = Instant.parse("2026-11-20T02:00:00Z");
    static final Limits LIMITS = Limits.DEFAULTS;
    static final byte[] PDF = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

    static Result check(String key, String contentType, byte[] bytes) {
        return MailboxRules.check(key, AT, contentType, bytes, LIMITS);
    }

    static MailboxEntry accepted(Result result) {
        if (result instanceof Rejected rejected) {
            throw new AssertionError("rejected: " + rejected.reason());
        }
        return ((Accepted) result).entry();
    }

    static String rejected(Result result) {
        return assertInstanceOf(Rejected.class, result, "expected a rejection").reason();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTextFileIsTheReminderText() {
        MailboxEntry entry = accepted(check("mailbox/reminder.txt", "text/plain",
                utf8("\uFEFF好久不见!您的新人券还在,回来看看吧 {link}  \r\n\r\n")));
        assertEquals(MailboxEntry.Kind.TEXT, entry.kind());
        assertEquals("好久不见!您的新人券还在,回来看看吧 {link}", entry.text());
        assertNull(entry.attachment());
        assertEquals("mailbox/reminder.txt", entry.source());
        assertEquals(AT, entry.receivedAt());
    }

    @Test
    void multiLineTextKeepsItsLinesWithUnixEnds() {
        MailboxEntry entry = accepted(check("a.TXT", null, utf8("line one\r\nline two\rline three")));
        assertEquals("line one\nline two\nline three", entry.text());
    }

    @Test
    void plainTextWithoutExtensionIsTextByContentType() {
        MailboxEntry entry = accepted(check("mailbox/note", "text/plain; charset=utf-8", utf8("come back")));
        assertEquals(MailboxEntry.Kind.TEXT, entry.kind());
        assertEquals("come back", entry.text());
    }

    @Test
    void emptyTextIsRejected() {
        assertEquals("empty text", rejected(check("a.txt", "text/plain", utf8(" \r\n\t \n"))));
        assertEquals("empty text", rejected(check("a.txt", "text/plain", utf8("\uFEFF"))));
        assertEquals("empty object", rejected(check("a.txt", "text/plain", new byte[0])));
    }

    @Test
    void textLongerThan500CharactersIsRejected() {
        assertEquals("text longer than 500 characters (501)", rejected(check("a.txt", null, utf8("x".repeat(501)))));
        // characters, not bytes: 500 Chinese characters (1500 UTF-8 bytes) are fine, 500 emoji too
        assertEquals(500, accepted(check("a.txt", null, utf8("回".repeat(500)))).text().length());
        assertTrue(accepted(check("b.txt", null, utf8("\uD83C\uDF81".repeat(500)))).text().length() == 1000);
        assertEquals("text longer than 500 characters (501)",
                rejected(check("c.txt", null, utf8("\uD83C\uDF81".repeat(501)))));
    }

    @Test
    void textThatIsNotUtf8IsRejected() {
        byte[] gbk = "您的优惠券即将过期".getBytes(Charset.forName("GBK"));
        assertEquals("not valid UTF-8", rejected(check("a.txt", "text/plain", gbk)));
        assertEquals("not valid UTF-8", rejected(check("b.txt", null, new byte[] {'o', 'k', (byte) 0xc3})));
    }

    @Test
    void controlCharactersAreRejected() {
        assertEquals("text contains control characters", rejected(check("a.txt", null, utf8("bell\u0007"))));
        accepted(check("b.txt", null, utf8("tab\tis fine")));
    }

    @Test
    void aSupportedFileIsAnAttachmentWithTheDefaultText() {
        MailboxEntry entry = accepted(check("mailbox/November prices.PDF", "binary/octet-stream", PDF));
        assertEquals(MailboxEntry.Kind.FILE, entry.kind());
        assertNull(entry.text(), "the caller fills in the policy's default text");
        Notifier.Attachment attachment = entry.attachment();
        assertEquals("November prices.PDF", attachment.fileName());
        assertEquals("application/pdf", attachment.contentType());
        assertArrayEquals(PDF, attachment.bytes());
    }

    @Test
    void aFileWithoutExtensionIsAnAttachmentByItsDeclaredType() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
        MailboxEntry entry = accepted(check("mailbox/banner", "image/png", png));
        assertEquals("banner.png", entry.attachment().fileName());
        assertEquals("image/png", entry.attachment().contentType());
    }

    @Test
    void aFileWhoseBytesDoNotMatchItsTypeIsRejected() {
        byte[] exe = {'M', 'Z', (byte) 0x90, 0, 3, 0, 0, 0};
        assertEquals("content is not application/pdf (.pdf)", rejected(check("invoice.pdf", null, exe)));
        assertEquals("content is not image/png (.png)", rejected(check("logo.png", "image/png", PDF)));
    }

    @Test
    void unsupportedTypesAreRejected() {
        byte[] exe = {'M', 'Z', (byte) 0x90, 0, 3, 0, 0, 0};
        assertEquals("unsupported content type application/octet-stream (.exe)", rejected(check("setup.exe", null, exe)));
        assertEquals("unsupported content type application/x-msdownload (.exe)",
                rejected(check("setup.exe", "application/x-msdownload", exe)));
        assertEquals("unsupported content type application/octet-stream (no file extension)",
                rejected(check("mailbox/blob", "binary/octet-stream", exe)));
        assertEquals("unsupported content type text/html (.html)",
                rejected(check("page.html", "text/html", utf8("<p>hi</p>"))));
    }

    @Test
    void anAttachmentLargerThan5MbIsRejected() {
        byte[] big = Arrays.copyOf(PDF, 5 * 1024 * 1024 + 1);
        assertEquals("attachment larger than 5 MB (5242881 bytes)", rejected(check("big.pdf", null, big)));
        byte[] justFits = Arrays.copyOf(PDF, 5 * 1024 * 1024);
        assertEquals(5 * 1024 * 1024, accepted(check("fits.pdf", null, justFits)).attachment().bytes().length);
    }

    @Test
    void objectsLargerThan10MbAreRejectedBeforeTheyAreRead() {
        Listed huge = new Listed("mailbox/huge.eml", AT, 10L * 1024 * 1024 + 1, "v1");
        assertEquals("object larger than 10 MB (10485761 bytes)",
                MailboxRules.precheck(huge, LIMITS).orElseThrow().reason());
        assertEquals("empty object",
                MailboxRules.precheck(new Listed("mailbox/a.txt", AT, 0, "v1"), LIMITS).orElseThrow().reason());
        assertTrue(MailboxRules.precheck(new Listed("mailbox/a.txt", AT, 12, "v1"), LIMITS).isEmpty());
    }

    @Test
    void limitsAreConfigurable() {
        Limits tight = new Limits(10, 100, 1000, 20, List.of());
        assertEquals("text longer than 10 characters (11)",
                rejected(MailboxRules.check("a.txt", AT, null, utf8("x".repeat(11)), tight)));
        assertEquals("attachment larger than 100 bytes (101 bytes)",
                rejected(MailboxRules.check("a.pdf", AT, null, Arrays.copyOf(PDF, 101), tight)));
        assertEquals("object larger than 1000 bytes (1001 bytes)",
                rejected(MailboxRules.check("a.pdf", AT, null, Arrays.copyOf(PDF, 1001), tight)));
    }

    @Test
    void foldersHiddenFilesAndTheSesSetupNotificationAreNotDrops() {
        assertTrue(MailboxRules.ignored("mailbox/"));
        assertTrue(MailboxRules.ignored("mailbox/.DS_Store"));
        assertTrue(MailboxRules.ignored("mailbox/AMAZON_SES_SETUP_NOTIFICATION"));
        assertFalse(MailboxRules.ignored("mailbox/reminder.txt"));
        assertFalse(MailboxRules.ignored("mailbox/0a1b2c3d4e5f6g7h8i9j"));
    }

    @Test
    void newestDropComesFirstThenTheLaterKey() {
        Instant t = AT;
        List<Listed> listed = new ArrayList<>(List.of(
                new Listed("mailbox/a.txt", t, 1, "1"),
                new Listed("mailbox/c.txt", t.plusSeconds(60), 1, "1"),
                new Listed("mailbox/b.txt", t.plusSeconds(60), 1, "1"),
                new Listed("mailbox/z.txt", t.minusSeconds(60), 1, "1")));
        listed.sort(MailboxRules.NEWEST_FIRST);
        assertEquals(List.of("mailbox/c.txt", "mailbox/b.txt", "mailbox/a.txt", "mailbox/z.txt"),
                listed.stream().map(Listed::key).toList());
    }

    @Test
    void theContentCarriesTheLinkOnlyWithAnAttachment() {
        MailboxEntry text = accepted(check("a.txt", null, utf8("hello")));
        assertNull(text.toContent("https://example.com/x").link());
        assertEquals("hello", text.toContent().text());
        MailboxEntry file = accepted(check("a.pdf", null, PDF));
        ReminderContent content = file.toContent("https://example.com/a.pdf");
        assertEquals("https://example.com/a.pdf", content.link());
        assertNull(content.text());
        assertEquals("a.pdf", content.source());
        assertEquals(AT, content.receivedAt());
        assertArrayEquals(PDF, content.attachment().bytes());
    }

    @Test
    void mailHeadersAreRecognisedWithoutAnExtension() {
        assertTrue(MailboxRules.looksLikeMail(utf8("Return-Path: <a@b.c>\r\nReceived: from x\r\n\tby y\r\nFrom: a@b.c\r\n\r\nbody")));
        assertFalse(MailboxRules.looksLikeMail(utf8("just some text: with a colon\nand more")));
        assertFalse(MailboxRules.looksLikeMail(utf8("X-Custom: 1\n\nbody")), "needs a field every mail has");
        assertFalse(MailboxRules.looksLikeMail(PDF));
        // SES mail can carry many KB of DKIM, ARC and Received headers before From
        String longHeaders = ("X-Gateway-Trace: i=1; a=rsa-sha256; d=amazonses.com; s=arc;\r\n b=" + "x".repeat(70) + "\r\n")
                .repeat(1200);
        assertTrue(MailboxRules.looksLikeMail(utf8("X-Custom: 1\r\n" + longHeaders + "From: a@b.c\r\n\r\nbody")));
    }
}
