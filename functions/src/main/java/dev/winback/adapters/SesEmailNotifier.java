package dev.winback.adapters;

import dev.winback.core.recall.Notifier;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.RawMessage;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * The {@code email} channel through Amazon SES v2 {@code SendEmail}.
 *
 * <ul>
 *   <li>Subject: the message attribute {@code subject}, else the default subject; body: the text,
 *       as UTF-8 plain text.</li>
 *   <li>Without an attachment the message is SES "Simple" content (SES builds the MIME).</li>
 *   <li>With an {@link Notifier.Attachment} it is a raw MIME message built with Jakarta Mail
 *       (Eclipse Angus): {@code multipart/mixed} of the {@code text/plain; charset=UTF-8} body and the
 *       file, base64-encoded, {@code Content-Disposition: attachment} with its file name (RFC 2231
 *       encoded when not ASCII). Raw content works with every SES endpoint and emulator; SES limits a
 *       message to 40 MB after encoding.</li>
 *   <li>The configuration set, when given, routes SES's sending events (deliveries, bounces,
 *       complaints, opens, clicks) to its event destinations; each message carries the message tag
 *       {@code decisionId} (sanitized to SES's tag alphabet) so those events can be joined back.</li>
 * </ul>
 *
 * A refusal — {@code MessageRejected}, {@code AccountSuspended}, {@code SendingPaused},
 * {@code MailFromDomainNotVerified}, {@code NotFound} (configuration set), {@code LimitExceeded}
 * (quota), … — is a {@link Notifier.DeliveryException} carrying SES's error code, not its message
 * (which can quote the address). Throttling ({@code TooManyRequests}) and transient failures are
 * retried by the SDK's retry strategy first. Addresses, subjects and texts are never logged.
 */
public final class SesEmailNotifier implements Notifier {

    static final String EMAIL = "email";
    public static final String SUBJECT_ATTRIBUTE = "subject";
    public static final String DEFAULT_SUBJECT = "A message for you";

    private final SesV2Client ses;
    private final String fromAddress;
    private final String configurationSet;
    private final String defaultSubject;
    private final Clock clock;

    /**
     * @param fromAddress a verified SES identity (address, or an address of a verified domain), optionally
     *                    with a display name: {@code Winback <no-reply@example.com>}
     * @param configurationSet the SES configuration set, or null
     */
    public SesEmailNotifier(SesV2Client ses, String fromAddress, String configurationSet) {
        this(ses, fromAddress, configurationSet, DEFAULT_SUBJECT, Clock.systemUTC());
    }

    public SesEmailNotifier(SesV2Client ses, String fromAddress, String configurationSet, String defaultSubject,
                            Clock clock) {
        if (fromAddress == null || fromAddress.isBlank()) {
            throw new IllegalArgumentException("no sender address for SES email");
        }
        this.ses = ses;
        this.fromAddress = fromAddress.strip();
        this.configurationSet = configurationSet == null || configurationSet.isBlank() ? null : configurationSet;
        this.defaultSubject = defaultSubject == null || defaultSubject.isBlank() ? DEFAULT_SUBJECT : defaultSubject;
        this.clock = clock;
    }

    @Override
    public void send(Message message) {
        if (!EMAIL.equals(message.channel())) {
            throw new IllegalArgumentException("SES does not deliver channel '" + message.channel() + "'");
        }
        if (message.address() == null || message.address().isBlank()) {
            throw new DeliveryException("no email address for the message of decision " + message.decisionId(), null);
        }
        String subject = subject(message);
        String text = message.text() == null ? "" : message.text();
        EmailContent content = message.attachment() == null
                ? EmailContent.builder().simple(m -> m
                        .subject(utf8(subject))
                        .body(Body.builder().text(utf8(text)).build())).build()
                : EmailContent.builder().raw(RawMessage.builder()
                        .data(SdkBytes.fromByteArray(mime(message, subject, text))).build()).build();
        SendEmailRequest.Builder request = SendEmailRequest.builder()
                .fromEmailAddress(fromAddress)
                .destination(d -> d.toAddresses(message.address()))
                .content(content)
                .emailTags(tags(message));
        if (configurationSet != null) {
            request.configurationSetName(configurationSet);
        }
        try {
            ses.sendEmail(request.build());
        } catch (AwsServiceException e) {
            throw new DeliveryException("SES refused the email of decision " + message.decisionId() + ": "
                    + e.awsErrorDetails().errorCode() + " (HTTP " + e.statusCode() + ", request " + e.requestId() + ")",
                    null);
        } catch (SdkException e) {
            throw new DeliveryException("SES unreachable for the email of decision " + message.decisionId(), e);
        }
    }

    private String subject(Message message) {
        String subject = message.attributes() == null ? null : message.attributes().get(SUBJECT_ATTRIBUTE);
        if (subject == null || subject.isBlank()) {
            subject = defaultSubject;
        }
        return subject.replaceAll("[\\r\\n]+", " ").strip(); // one header line, never a header injection
    }

    /** multipart/mixed: the UTF-8 text, then the file (base64). */
    private byte[] mime(Message message, String subject, String text) {
        Attachment attachment = message.attachment();
        try {
            MimeMessage mime = new MimeMessage(Session.getInstance(new Properties())) {
                @Override
                protected void updateMessageID() {
                    // SES assigns the Message-ID; computing one here would look up the local host name
                }
            };
            mime.setFrom(new InternetAddress(fromAddress, true));
            mime.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(message.address(), true));
            mime.setSubject(subject, StandardCharsets.UTF_8.name());
            mime.setSentDate(Date.from(clock.instant()));

            MimeBodyPart body = new MimeBodyPart();
            body.setText(text, StandardCharsets.UTF_8.name());

            MimeBodyPart file = new MimeBodyPart();
            String contentType = attachment.contentType() == null || attachment.contentType().isBlank()
                    ? "application/octet-stream" : attachment.contentType();
            file.setDataHandler(new DataHandler(new ByteArrayDataSource(
                    attachment.bytes() == null ? new byte[0] : attachment.bytes(), contentType)));
            file.setDisposition(Part.ATTACHMENT);
            file.setFileName(attachment.fileName() == null || attachment.fileName().isBlank()
                    ? "attachment" : attachment.fileName());
            file.setHeader("Content-Transfer-Encoding", "base64");

            MimeMultipart mixed = new MimeMultipart("mixed");
            mixed.addBodyPart(body);
            mixed.addBodyPart(file);
            mime.setContent(mixed);
            mime.saveChanges();

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mime.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException | IOException e) {
            // an AddressException's message quotes the address: keep only the kind of failure
            throw new DeliveryException("cannot build the email of decision " + message.decisionId()
                    + " with its attachment: " + e.getClass().getSimpleName(), null);
        }
    }

    private static List<MessageTag> tags(Message message) {
        List<MessageTag> tags = new ArrayList<>();
        if (message.decisionId() != null) {
            String value = message.decisionId().replaceAll("[^A-Za-z0-9_-]", "_");
            if (!value.isEmpty()) {
                tags.add(MessageTag.builder().name("decisionId")
                        .value(value.length() > 256 ? value.substring(0, 256) : value).build());
            }
        }
        return tags;
    }

    private static Content utf8(String data) {
        return Content.builder().data(data).charset("UTF-8").build();
    }
}
