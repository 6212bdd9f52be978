package dev.winback.core.dormancy;

import static dev.winback.core.dormancy.MailboxRulesTest.AT;
import static dev.winback.core.dormancy.MailboxRulesTest.PDF;
import static dev.winback.core.dormancy.MailboxRulesTest.accepted;
import static dev.winback.core.dormancy.MailboxRulesTest.rejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.dormancy.MailboxRules.Limits;
import dev.winback.core.dormancy.MailboxRules.Result;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** B5: raw mail in the content mailbox (an .eml, or what an SES receipt rule stores), parsed as MIME. */
class MailboxMimeTest {

    static Result check(String key, String contentType, String raw) {
        return MailboxRules.check(key, AT, contentType, raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8),
                Limits.DEFAULTS);
    }

    static String b64(byte[] bytes) {
        return Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes);
    }

    static String b64(String s, Charset charset) {
        return b64(s.getBytes(charset));
    }

    /** A mail as a mail client writes it: text plus a PDF, with the file name as an encoded word. */
    static String mailWithPdf(String headersBefore) {
        return headersBefore + """
                From: Ops Team <ops@shop.example>
                To: content@mailbox.shop.example
                Subject: =?UTF-8?B?5Y+M5Y2B5LiA5rS75Yqo?=
                Date: Fri, 20 Nov 2026 10:00:00 +0800
                Message-ID: <abc123@shop.example>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="==b1=="

                --==b1==
                Content-Type: text/plain; charset=UTF-8
                Content-Transfer-Encoding: base64

                """ + b64("双十一特惠:您的专属券已到账,点击查看 {link}\n\n-- \n张三 | 运营部\n", StandardCharsets.UTF_8) + """

                --==b1==
                Content-Type: application/octet-stream; name="=?UTF-8?B?5Lu35qC86KGoLnBkZg==?="
                Content-Disposition: attachment; filename="=?UTF-8?B?5Lu35qC86KGoLnBkZg==?="
                Content-Transfer-Encoding: base64

                """ + b64(PDF) + """

                --==b1==--
                """;
    }

    @Test
    void mailWithTextAndPdfAttachment() {
        MailboxEntry entry = accepted(check("mailbox/offer.eml", null, mailWithPdf("")));
        assertEquals(MailboxEntry.Kind.EMAIL, entry.kind());
        assertEquals("双十一特惠:您的专属券已到账,点击查看 {link}", entry.text(), "the signature is cut");
        assertEquals("双十一活动", entry.subject());
        assertEquals("价格表.pdf", entry.attachment().fileName());
        assertEquals("application/pdf", entry.attachment().contentType(), "typed by extension, not octet-stream");
        assertArrayEquals(PDF, entry.attachment().bytes());
    }

    @Test
    void mailStoredBySesWithoutExtensionIsRecognisedByItsHeaders() {
        String ses = """
                Return-Path: <ops@shop.example>
                Received: from mail.shop.example (mail.shop.example [203.0.113.5])
                 by inbound-smtp.us-east-1.amazonaws.com with SMTP id 0a1b2c3d
                 for content@mailbox.shop.example; Fri, 20 Nov 2026 02:00:01 +0000 (UTC)
                X-SES-Spam-Verdict: PASS
                X-SES-Virus-Verdict: PASS
                """;
        MailboxEntry entry = accepted(check("mailbox/0a1b2c3d4e5f6g7h8i9jexample", "application/octet-stream",
                mailWithPdf(ses)));
        assertEquals(MailboxEntry.Kind.EMAIL, entry.kind());
        assertEquals("价格表.pdf", entry.attachment().fileName());
        // and by its stored content type
        assertEquals(MailboxEntry.Kind.EMAIL,
                accepted(check("mailbox/x", "message/rfc822", mailWithPdf(""))).kind());
    }

    @Test
    void sesVerdictFailIsRejected() {
        assertEquals("rejected by the SES virus verdict",
                rejected(check("mailbox/m1", null, mailWithPdf("X-SES-Virus-Verdict: FAIL\n"))));
        assertEquals("rejected by the SES spam verdict",
                rejected(check("mailbox/m2", null, mailWithPdf("X-SES-Spam-Verdict: FAIL\n"))));
    }

    @Test
    void onlyAllowedSendersWhenTheListIsSet() {
        byte[] raw = mailWithPdf("").getBytes(StandardCharsets.UTF_8);
        Limits byDomain = Limits.DEFAULTS.withAllowedSenders(List.of("@shop.example"));
        Limits byAddress = Limits.DEFAULTS.withAllowedSenders(List.of("OPS@shop.example"));
        Limits other = Limits.DEFAULTS.withAllowedSenders(List.of("@other.example", "boss@shop.example"));
        accepted(MailboxRules.check("m.eml", AT, null, raw, byDomain));
        accepted(MailboxRules.check("m.eml", AT, null, raw, byAddress));
        assertEquals("sender not allowed", rejected(MailboxRules.check("m.eml", AT, null, raw, other)));
    }

    @Test
    void plainTextIsPreferredToHtml() {
        MailboxEntry entry = accepted(check("m.eml", null, """
                From: ops@shop.example
                Subject: hi
                MIME-Version: 1.0
                Content-Type: multipart/alternative; boundary=alt

                --alt
                Content-Type: text/plain; charset=us-ascii

                Your cart misses you.
                --alt
                Content-Type: text/html; charset=us-ascii

                <p>Your <b>cart</b> misses you.</p>
                --alt--
                """));
        assertEquals("Your cart misses you.", entry.text());
        assertNull(entry.attachment());
    }

    @Test
    void htmlOnlyMailIsConvertedToPlainText() {
        MailboxEntry entry = accepted(check("m.eml", null, """
                From: ops@shop.example
                Subject: html
                MIME-Version: 1.0
                Content-Type: text/html; charset=UTF-8
                Content-Transfer-Encoding: quoted-printable

                <html><head><style>p { color: red; }</style><title>x</title></head><body>
                <p>Hello&nbsp;again,</p><p>your coupon of &yen;10 &amp; free delivery<br>
                waits <a href=3D"https://shop.example/c?id=3D7">here</a>.</p>
                <!-- tracking --><script>alert(1)</script><img src=3D"https://t.example/p.gif">
                </body></html>
                """));
        assertEquals("Hello again,\nyour coupon of \u00A510 & free delivery\nwaits here (https://shop.example/c?id=7).",
                entry.text());
    }

    @Test
    void textInGbkIsDecoded() {
        MailboxEntry entry = accepted(check("m.eml", null, """
                From: ops@shop.example
                Subject: =?GBK?B?""" + b64("回归礼", Charset.forName("GBK")) + """
                ?=
                MIME-Version: 1.0
                Content-Type: text/plain; charset=gbk
                Content-Transfer-Encoding: base64

                """ + b64("您有一张优惠券待领取", Charset.forName("GBK")) + "\n"));
        assertEquals("您有一张优惠券待领取", entry.text());
        assertEquals("回归礼", entry.subject());
        // declared gb2312, holding a GBK-only character (镕), read as GB18030 like browsers do
        MailboxEntry gb2312 = accepted(check("m.eml", null, """
                From: ops@shop.example
                Content-Type: text/plain; charset=gb2312
                Content-Transfer-Encoding: base64

                """ + b64("朱镕基路店开业", Charset.forName("GBK")) + "\n"));
        assertEquals("朱镕基路店开业", gb2312.text());
    }

    @Test
    void textNotValidInItsCharsetOrAnUnknownCharsetIsRejected() {
        assertEquals("text part is not valid UTF-8", rejected(check("m.eml", null, """
                From: ops@shop.example
                MIME-Version: 1.0
                Content-Type: text/plain; charset=utf-8
                Content-Transfer-Encoding: base64

                """ + b64("您好", Charset.forName("GBK")) + "\n")));
        assertEquals("unsupported charset x-klingon", rejected(check("m.eml", null, """
                From: ops@shop.example
                MIME-Version: 1.0
                Content-Type: text/plain; charset=x-klingon

                Qapla'
                """)));
    }

    @Test
    void attachmentOnlyMailUsesTheDefaultText() {
        MailboxEntry entry = accepted(check("m.eml", null, """
                From: ops@shop.example
                Subject: prices
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain

                \s
                --b
                Content-Type: application/pdf
                Content-Disposition: attachment; filename=prices.pdf
                Content-Transfer-Encoding: base64

                """ + b64(PDF) + """

                --b--
                """));
        assertNull(entry.text());
        assertEquals("prices", entry.subject());
        assertEquals("prices.pdf", entry.attachment().fileName());
    }

    @Test
    void mailWithNeitherTextNorAttachmentIsRejected() {
        assertEquals("empty text", rejected(check("m.eml", null, """
                From: ops@shop.example
                Subject: oops
                MIME-Version: 1.0
                Content-Type: text/plain

                -- \n\
                just a signature
                """)));
    }

    @Test
    void inlineImagesOfAnHtmlBodyAreNotAttachments() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
        MailboxEntry entry = accepted(check("m.eml", null, """
                From: ops@shop.example
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary=outer

                --outer
                Content-Type: multipart/related; boundary=rel

                --rel
                Content-Type: text/html; charset=utf-8

                <p>See the prices</p><img src="cid:logo">
                --rel
                Content-Type: image/png; name=logo.png
                Content-ID: <logo>
                Content-Disposition: inline; filename=logo.png
                Content-Transfer-Encoding: base64

                """ + b64(png) + """

                --rel--
                --outer
                Content-Type: application/pdf; name=prices.pdf
                Content-Transfer-Encoding: base64

                """ + b64(PDF) + """

                --outer--
                """));
        assertEquals("See the prices", entry.text());
        assertEquals("prices.pdf", entry.attachment().fileName(), "the first real attachment, not the logo");
    }

    @Test
    void badMimeIsRejected() {
        String missingBoundary = """
                From: ops@shop.example
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary=nothere

                no parts at all
                """;
        assertTrue(rejected(check("m.eml", null, missingBoundary)).startsWith("unparseable MIME: "),
                () -> rejected(check("m.eml", null, missingBoundary)));
        assertEquals("unparseable MIME: no mail header fields", rejected(check("m.eml", null, "just some text\n")));
        assertEquals("unparseable MIME: Unbalanced quoted string", rejected(check("m.eml", null, """
                From: ops@shop.example
                Content-Type: text/plain; charset="utf-8

                hello
                """)));
        String badBase64 = """
                From: ops@shop.example
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain

                hello
                --b
                Content-Type: application/pdf
                Content-Disposition: attachment; filename=a.pdf
                Content-Transfer-Encoding: base64

                JVBERi0xLjQK=secret=stuff=
                --b--
                """;
        String reason = rejected(check("m.eml", null, badBase64));
        assertTrue(reason.startsWith("unparseable MIME: "), reason);
        assertTrue(!reason.contains("secret"), "the reason never quotes content: " + reason);
    }

    @Test
    void unsupportedAttachmentRejectsTheMail() {
        assertEquals("unsupported content type application/x-msdownload (attachment .exe)", rejected(check("m.eml", null, """
                From: ops@shop.example
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain

                run this
                --b
                Content-Type: application/x-msdownload
                Content-Disposition: attachment; filename=setup.exe
                Content-Transfer-Encoding: base64

                TVqQAAMAAAAEAAAA
                --b--
                """)));
    }

    @Test
    void attachmentLargerThan5MbRejectsTheMail() {
        byte[] big = Arrays.copyOf(PDF, 5 * 1024 * 1024 + 1);
        String raw = """
                From: ops@shop.example
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain

                prices attached
                --b
                Content-Type: application/pdf
                Content-Disposition: attachment; filename=big.pdf
                Content-Transfer-Encoding: base64

                """ + b64(big) + """

                --b--
                """;
        assertEquals("attachment larger than 5 MB", rejected(check("m.eml", null, raw)));
    }

    @Test
    void textTooLongInAMailIsRejected() {
        assertEquals("text longer than 500 characters (600)", rejected(check("m.eml", null, """
                From: ops@shop.example
                Content-Type: text/plain; charset=utf-8

                """ + "好".repeat(600) + "\n")));
    }

    @Test
    void htmlConversionHandlesEntitiesAndLinks() {
        assertEquals("a < b & c\n\u4F60", MailboxMime.htmlToText("a &lt; b &amp; c<br/>&#x4F60;"));
        assertEquals("https://x.example/a", MailboxMime.htmlToText("<a href='https://x.example/a'>https://x.example/a</a>"));
        assertEquals("go (https://x.example/?a=1&b=2)", MailboxMime.htmlToText("<a href=\"https://x.example/?a=1&amp;b=2\">go</a>"));
    }
}
