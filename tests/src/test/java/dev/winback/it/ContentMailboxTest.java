package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winback.adapters.FolderContentMailbox;
import dev.winback.adapters.S3ContentMailbox;
import dev.winback.core.dormancy.ReminderContent;
import dev.winback.it.support.Fixtures;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * B5 on MiniStack's S3: the content mailbox keeps the newest valid drop, a bad newer drop leaves it in
 * use, a raw mail (as a mail client writes it, and as an SES receipt rule's S3 action stores it) gives
 * text, subject and attachment, and the link SMS/WeCom get is a presigned GET that really serves the file.
 */
class ContentMailboxTest {

    static final byte[] PDF = ("%PDF-1.4\n1 0 obj <<>> endobj\n% 价格表 November\ntrailer <<>>\n%%EOF\n")
            .getBytes(StandardCharsets.UTF_8);

    static S3Client s3;
    static S3Presigner presigner;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A clock the test moves forward, past the mailbox's 5-minute cache. */
    static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-11-20T02:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeAll
    static void clients() {
        s3 = Fixtures.s3();
        presigner = Fixtures.s3Presigner();
    }

    @AfterAll
    static void close() {
        presigner.close();
        s3.close();
    }

    private static void put(String bucket, String key, String contentType, byte[] bytes) {
        s3.putObject(b -> {
            b.bucket(bucket).key(key);
            if (contentType != null) {
                b.contentType(contentType);
            }
        }, RequestBody.fromBytes(bytes));
        sleepPastTimestamp(); // LastModified has millisecond precision here (whole seconds in AWS)
    }

    private static void sleepPastTimestamp() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A mail as a client writes it (Jakarta Mail): text, Chinese subject, a PDF attachment with a Chinese name. */
    static byte[] clientMail(String text, String subject) throws Exception {
        MimeMessage mail = new MimeMessage(Session.getInstance(new Properties()));
        mail.setFrom(new InternetAddress("ops@shop.example", "运营部", "UTF-8"));
        mail.setRecipient(Message.RecipientType.TO, new InternetAddress("content@mailbox.shop.example"));
        mail.setSubject(subject, "UTF-8");
        MimeBodyPart body = new MimeBodyPart();
        body.setText(text, "UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(PDF, "application/octet-stream")));
        file.setFileName("价格表.pdf");
        file.setDisposition(MimeBodyPart.ATTACHMENT);
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(body);
        mixed.addBodyPart(file);
        mail.setContent(mixed);
        mail.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.writeTo(out);
        return out.toByteArray();
    }

    /** The headers SES prepends to a received mail before its S3 action stores it. */
    static byte[] asSesStoresIt(byte[] mail) {
        String ses = """
                Return-Path: <ops@shop.example>
                Received: from mail.shop.example (mail.shop.example [203.0.113.5])
                 by inbound-smtp.us-east-1.amazonaws.com with SMTP id 6ulq1ei8m6n3e5ep5kbgs6ou4a9ek5ho1hcf0pg1
                 for content@mailbox.shop.example;
                 Fri, 20 Nov 2026 02:00:01 +0000 (UTC)
                X-SES-Spam-Verdict: PASS
                X-SES-Virus-Verdict: PASS
                Received-SPF: pass (spfCheck: domain of shop.example designates 203.0.113.5 as permitted sender)
                X-SES-RECEIPT: AEFBQUFBQUFBQUFHbGFiZWw=
                """.replace("\n", "\r\n");
        byte[] headers = ses.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headers.length + mail.length];
        System.arraycopy(headers, 0, all, 0, headers.length);
        System.arraycopy(mail, 0, all, headers.length, mail.length);
        return all;
    }

    private static HttpResponse<byte[]> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theNewestValidDropWinsAndABadOneLeavesThePreviousInUse() throws Exception {
        String bucket = Fixtures.contentBucket(s3);
        MovingClock clock = new MovingClock();
        S3ContentMailbox mailbox = new S3ContentMailbox(s3, presigner, bucket, "mailbox/", Duration.ofDays(7), clock);

        assertThat(mailbox.current()).as("an empty mailbox: the policy's default text").isEmpty();

        put(bucket, "mailbox/reminder.txt", "text/plain; charset=utf-8",
                "好久不见!您的新人券还在,回来看看吧\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(mailbox.current()).as("cached for 5 minutes").isEmpty();
        clock.advance(Duration.ofMinutes(5));
        ReminderContent text = mailbox.current().orElseThrow();
        assertThat(text.text()).isEqualTo("好久不见!您的新人券还在,回来看看吧");
        assertThat(text.source()).isEqualTo("mailbox/reminder.txt");
        assertThat(text.attachment()).isNull();
        assertThat(text.link()).isNull();
        assertThat(text.receivedAt()).isAfter(Instant.now().minusSeconds(60));

        // newer, but not UTF-8 (an editor saved it as GBK), then a newer still, too long: both rejected
        put(bucket, "mailbox/reminder-v2.txt", "text/plain", "您的优惠券即将过期".getBytes(Charset.forName("GBK")));
        put(bucket, "mailbox/reminder-v3.txt", null, "x".repeat(501).getBytes(StandardCharsets.US_ASCII));
        put(bucket, "mailbox/AMAZON_SES_SETUP_NOTIFICATION", null, "Return-Path: <x>\r\nFrom: ses\r\n\r\nsetup".getBytes());
        clock.advance(Duration.ofMinutes(5));
        assertThat(mailbox.current().orElseThrow().source()).as("the previous valid content stays in use")
                .isEqualTo("mailbox/reminder.txt");

        // a newer valid mail with an attachment wins
        put(bucket, "mailbox/offer.eml", "message/rfc822", clientMail("双十一特惠:您的专属券已到账 {link}", "双十一活动"));
        clock.advance(Duration.ofMinutes(5));
        ReminderContent offer = mailbox.current().orElseThrow();
        assertThat(offer.source()).isEqualTo("mailbox/offer.eml");
        assertThat(offer.text()).isEqualTo("双十一特惠:您的专属券已到账 {link}");
        assertThat(offer.attachment().fileName()).isEqualTo("价格表.pdf");
        assertThat(offer.attachment().contentType()).isEqualTo("application/pdf");
        assertThat(offer.attachment().bytes()).isEqualTo(PDF);

        // the link: a presigned GET of the attachment, extracted once to its own key outside the mailbox
        URI link = URI.create(offer.link());
        assertThat(link.getPath()).startsWith("/" + bucket + "/mailbox-attachments/").endsWith(".pdf");
        assertThat(link.getQuery()).contains("X-Amz-Signature=", "X-Amz-Expires=604800");
        HttpResponse<byte[]> served = get(offer.link());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(PDF);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("application/pdf");
        String extractedKey = URLDecoder.decode(link.getPath().substring(bucket.length() + 2), StandardCharsets.UTF_8);
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("mailbox-attachments/")).contents())
                .singleElement().satisfies(o -> assertThat(o.key()).isEqualTo(extractedKey));

        // the extracted attachment is not itself a drop, and a refresh signs a fresh link for the same key
        clock.advance(Duration.ofMinutes(5));
        ReminderContent again = mailbox.current().orElseThrow();
        assertThat(again.source()).isEqualTo("mailbox/offer.eml");
        assertThat(URI.create(again.link()).getPath()).isEqualTo(link.getPath());
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("mailbox-attachments/")).contents()).hasSize(1);

        // a tampered link is refused
        HttpResponse<byte[]> tampered = get(offer.link().replace("X-Amz-Expires=604800", "X-Amz-Expires=604799"));
        assertThat(tampered.statusCode()).isEqualTo(403);
    }

    @Test
    void aRawMailAsSesStoresItRoundTrips() throws Exception {
        String bucket = Fixtures.contentBucket(s3);
        MovingClock clock = new MovingClock();
        S3ContentMailbox mailbox = new S3ContentMailbox(s3, presigner, bucket, "inbound", Duration.ofDays(1), clock);

        // An SES receipt rule's S3 action: the setup notification first, then each mail under its message id,
        // no extension, no meaningful content type.
        put(bucket, "inbound/AMAZON_SES_SETUP_NOTIFICATION", null,
                asSesStoresIt("From: no-reply@amazonses.com\r\nSubject: Amazon SES Setup Notification\r\n\r\nsetup\r\n"
                        .getBytes(StandardCharsets.US_ASCII)));
        byte[] stored = asSesStoresIt(clientMail("您有一张回归券待领取,详见 {link}\n\n-- \n运营部 张三\n", "回归礼"));
        put(bucket, "inbound/6ulq1ei8m6n3e5ep5kbgs6ou4a9ek5ho1hcf0pg1", null, stored);

        ReminderContent content = mailbox.current().orElseThrow();
        assertThat(content.source()).isEqualTo("inbound/6ulq1ei8m6n3e5ep5kbgs6ou4a9ek5ho1hcf0pg1");
        assertThat(content.text()).isEqualTo("您有一张回归券待领取,详见 {link}");
        assertThat(content.attachment().bytes()).isEqualTo(PDF);
        assertThat(URI.create(content.link()).getQuery()).contains("X-Amz-Expires=86400");
        assertThat(get(content.link()).body()).isEqualTo(PDF);

        // a mail SES flagged as a virus, arriving later, is rejected: the previous one stays
        byte[] flagged = new String(asSesStoresIt(clientMail("free money", "hi")), StandardCharsets.ISO_8859_1)
                .replace("X-SES-Virus-Verdict: PASS", "X-SES-Virus-Verdict: FAIL").getBytes(StandardCharsets.ISO_8859_1);
        put(bucket, "inbound/7zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", null, flagged);
        mailbox.refresh();
        assertThat(mailbox.current().orElseThrow().source()).isEqualTo("inbound/6ulq1ei8m6n3e5ep5kbgs6ou4a9ek5ho1hcf0pg1");
    }

    @Test
    void aDroppedFileIsLinkedWhereItLiesWithTheDefaultText() throws Exception {
        String bucket = Fixtures.contentBucket(s3);
        S3ContentMailbox mailbox = new S3ContentMailbox(s3, presigner, bucket, "mailbox/", Duration.ofDays(7),
                Clock.systemUTC());
        // the console uploads with binary/octet-stream; the extension decides
        put(bucket, "mailbox/11月价格表.pdf", "binary/octet-stream", PDF);
        put(bucket, "mailbox/setup.exe", "application/x-msdownload", new byte[] {'M', 'Z', 0, 0});

        ReminderContent content = mailbox.current().orElseThrow();
        assertThat(content.source()).isEqualTo("mailbox/11月价格表.pdf");
        assertThat(content.text()).as("the caller fills in the policy's default text").isNull();
        assertThat(content.attachment().contentType()).isEqualTo("application/pdf");
        URI link = URI.create(content.link());
        assertThat(URLDecoder.decode(link.getRawPath(), StandardCharsets.UTF_8))
                .isEqualTo("/" + bucket + "/mailbox/11月价格表.pdf");
        HttpResponse<byte[]> served = get(content.link());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(PDF);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("mailbox-attachments/")).contents())
                .as("nothing extracted for a plain file").isEmpty();
    }

    @Test
    void whenS3CannotBeReadTheLastAnswerIsKeptAndWithoutOneTheCallerIsTold() {
        String bucket = Fixtures.contentBucket(s3);
        MovingClock clock = new MovingClock();
        S3ContentMailbox mailbox = new S3ContentMailbox(s3, presigner, bucket, "mailbox/", Duration.ofDays(7), clock);
        put(bucket, "mailbox/reminder.txt", null, "see you soon".getBytes(StandardCharsets.UTF_8));
        assertThat(mailbox.current().orElseThrow().text()).isEqualTo("see you soon");

        s3.deleteObject(b -> b.bucket(bucket).key("mailbox/reminder.txt"));
        s3.deleteBucket(b -> b.bucket(bucket));
        clock.advance(Duration.ofMinutes(5));
        assertThat(mailbox.current().orElseThrow().text()).as("listing fails: the last answer is kept")
                .isEqualTo("see you soon");

        S3ContentMailbox fresh = new S3ContentMailbox(s3, presigner, bucket, "mailbox/", Duration.ofDays(7), clock);
        org.assertj.core.api.Assertions.assertThatThrownBy(fresh::current)
                .as("no answer yet: the scan fails and is retried rather than sending the default text silently")
                .isInstanceOf(software.amazon.awssdk.services.s3.model.NoSuchBucketException.class);
    }

    @Test
    void aWithdrawnDropLetsTheOlderValidOneBackOrTheDefault() {
        String bucket = Fixtures.contentBucket(s3);
        MovingClock clock = new MovingClock();
        S3ContentMailbox mailbox = new S3ContentMailbox(s3, presigner, bucket, "mailbox/", Duration.ofDays(7), clock);
        put(bucket, "mailbox/old.txt", null, "old text".getBytes(StandardCharsets.UTF_8));
        put(bucket, "mailbox/new.txt", null, "new text".getBytes(StandardCharsets.UTF_8));
        assertThat(mailbox.current().orElseThrow().text()).isEqualTo("new text");
        s3.deleteObject(b -> b.bucket(bucket).key("mailbox/new.txt"));
        mailbox.refresh();
        assertThat(mailbox.current().orElseThrow().text()).isEqualTo("old text");
        s3.deleteObject(b -> b.bucket(bucket).key("mailbox/old.txt"));
        mailbox.refresh();
        assertThat(mailbox.current()).isEmpty();
    }

    @Test
    void aFolderIsAMailboxForLocalRuns(@TempDir Path dir) throws Exception {
        FolderContentMailbox mailbox = new FolderContentMailbox(dir.resolve("mailbox"), Duration.ZERO,
                dev.winback.core.dormancy.MailboxRules.Limits.DEFAULTS, Clock.systemUTC());
        assertThat(mailbox.current()).as("a missing folder is an empty mailbox").isEqualTo(Optional.empty());
        Path folder = Files.createDirectories(dir.resolve("mailbox"));
        Instant t = Instant.parse("2026-11-20T02:00:00Z");
        Files.writeString(folder.resolve("a.txt"), "come back soon");
        Files.setLastModifiedTime(folder.resolve("a.txt"), FileTime.from(t));
        assertThat(mailbox.current().orElseThrow().text()).isEqualTo("come back soon");

        Files.write(folder.resolve("b.txt"), new byte[] {'b', 'a', 'd', (byte) 0xff});
        Files.setLastModifiedTime(folder.resolve("b.txt"), FileTime.from(t.plusSeconds(60)));
        assertThat(mailbox.current().orElseThrow().source()).isEqualTo("a.txt");

        Files.write(folder.resolve("offer.eml"), clientMail("双十一特惠", "双十一活动"));
        Files.setLastModifiedTime(folder.resolve("offer.eml"), FileTime.from(t.plusSeconds(120)));
        ReminderContent offer = mailbox.current().orElseThrow();
        assertThat(offer.source()).isEqualTo("offer.eml");
        assertThat(offer.text()).isEqualTo("双十一特惠");
        assertThat(offer.link()).startsWith("file:");
        assertThat(Files.readAllBytes(Path.of(URI.create(offer.link())))).isEqualTo(PDF);
        assertThat(mailbox.current().orElseThrow().source()).as("the extracted file is hidden, not a drop")
                .isEqualTo("offer.eml");

        Files.write(folder.resolve("prices.pdf"), PDF);
        Files.setLastModifiedTime(folder.resolve("prices.pdf"), FileTime.from(t.plusSeconds(180)));
        ReminderContent file = mailbox.current().orElseThrow();
        assertThat(file.text()).isNull();
        assertThat(file.link()).isEqualTo(folder.resolve("prices.pdf").toUri().toString());
    }
}
