package dev.winback.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Reads metric alarms from MiniStack with CloudWatch's JSON protocol (awsJson1_0, SigV4 signed).
 * Not the SDK's CloudWatchClient: it speaks only Smithy RPC v2 CBOR, which MiniStack decodes only with
 * the optional cbor2 package that .venv does not install; and MiniStack's Query (XML) answer leaves
 * out the statistic, period, dimensions and actions.
 */
public final class CloudWatchAlarms {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESTRICTED_HEADERS = Set.of("host", "content-length");

    private CloudWatchAlarms() {
    }

    /** The named metric alarms (at most 100, DescribeAlarms' page), keyed by name, as DescribeAlarms reports them. */
    public static Map<String, JsonNode> describe(List<String> names) {
        ObjectNode request = JSON.createObjectNode().put("MaxRecords", 100);
        names.forEach(request.putArray("AlarmNames")::add);
        Map<String, JsonNode> alarms = new LinkedHashMap<>();
        post("DescribeAlarms", request).path("MetricAlarms").forEach(alarm -> alarms.put(alarm.path("AlarmName").asText(), alarm));
        return alarms;
    }

    private static JsonNode post(String action, JsonNode payload) {
        try {
            byte[] body = JSON.writeValueAsBytes(payload);
            SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(MiniStack.endpoint())
                    .putHeader("Content-Type", "application/x-amz-json-1.0")
                    .putHeader("X-Amz-Target", "GraniteServiceVersion20100801." + action).build();
            SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                    .identity(AwsCredentialsIdentity.create("test", "test"))
                    .request(unsigned)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "monitoring")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, MiniStack.region().id())).request();
            HttpRequest.Builder request = HttpRequest.newBuilder(signed.getUri()).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            signed.forEachHeader((name, values) -> {
                if (!RESTRICTED_HEADERS.contains(name.toLowerCase())) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(action + " answered " + response.statusCode() + ": " + new String(response.body()));
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
