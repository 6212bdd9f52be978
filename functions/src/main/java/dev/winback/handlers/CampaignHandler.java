package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.event.Rejection;
import dev.winback.core.geo.CampaignLaunch;
import dev.winback.core.geo.CampaignPlanRecord;
import dev.winback.core.geo.SiteCampaignRequests;
import dev.winback.core.ingest.StreamRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * CampaignFunction: a site launches a campaign (D2–D4) through any of three doors, all handled the
 * same way ({@link SiteCampaignRequests}):
 * <ul>
 *   <li><b>an EventBridge event</b> ({@code source: winback.campaigns}, {@code detail-type: site_campaign},
 *       {@code detail} = the campaign's fields) — a bad campaign is logged and dropped (retrying cannot
 *       fix it); a failed launch throws, so Lambda retries the event and then sends it to the
 *       on-failure queue;</li>
 *   <li><b>a function-URL request</b> (IAM-authorized POST, body = the same fields) — answered
 *       {@code 202} with the plan's figures, {@code 200} when that campaign was launched already,
 *       {@code 400} naming the bad field, {@code 409} for an id taken by another campaign, {@code 503}
 *       when the launch failed and may be retried;</li>
 *   <li><b>a {@code site_campaign} record</b> on the behavior stream (its mapping's filter lets only
 *       those through) — a failed launch reports the record, and the stream delivers it again.</li>
 * </ul>
 * Which door is told from the event's shape: {@code Records} (Kinesis), {@code detail-type}
 * (EventBridge), {@code requestContext} (function URL).
 */
public final class CampaignHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CampaignHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SiteCampaignRequests requests;
    private final Clock clock;
    private final GeoMetrics metrics;

    public CampaignHandler() {
        this(Wiring.fromEnvironment().siteCampaignRequests(), Clock.systemUTC(), GeoMetrics.emf());
    }

    public CampaignHandler(SiteCampaignRequests requests, Clock clock, GeoMetrics metrics) {
        this.requests = requests;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        JsonNode answer = PowertoolsLogging.withLogging(context, () -> {
            if (event != null && event.has("Records")) {
                return stream(event.get("Records"));
            }
            if (event != null && event.has("detail-type")) {
                eventBridge(event);
                return JSON.nullNode();
            }
            if (event != null && event.has("requestContext")) {
                return functionUrl(event);
            }
            throw new IllegalArgumentException("CampaignFunction takes an EventBridge event, a function-URL request or "
                    + "a Kinesis batch");
        });
        JSON.writeValue(output, answer);
    }

    // --------------------------------------------------------------------------- behavior stream

    private JsonNode stream(JsonNode records) {
        List<StreamRecord> batch = new ArrayList<>();
        for (JsonNode record : records) {
            JsonNode kinesis = record.path("kinesis");
            JsonNode arrival = kinesis.path("approximateArrivalTimestamp");
            Instant arrivedAt = arrival.isNumber()
                    ? Instant.ofEpochMilli(Math.round(arrival.asDouble() * 1000)) : null;
            String eventId = record.path("eventID").asText("");
            batch.add(new StreamRecord(kinesis.path("sequenceNumber").asText(), kinesis.path("partitionKey").asText(),
                    arrivedAt, Base64.getDecoder().decode(kinesis.path("data").asText("")),
                    eventId.contains(":") ? eventId.substring(0, eventId.indexOf(':')) : eventId));
        }
        SiteCampaignRequests.StreamReport report = requests.consume(batch);
        metrics.record(Map.of("CampaignsLaunched", report.launched(), "CampaignsAlreadyLaunched", report.alreadyLaunched(),
                "CampaignIdConflicts", report.conflicts()));
        LOG.info("campaign records received={} launched={} alreadyLaunched={} conflicts={} skipped={}",
                report.received(), report.launched(), report.alreadyLaunched(), report.conflicts(), report.skipped());
        ObjectNode response = JSON.createObjectNode();
        ArrayNode failures = response.putArray("batchItemFailures");
        if (report.failedSequenceNumber() != null) {
            LOG.warn("campaign record {} and those after it will be delivered again: {}", report.failedSequenceNumber(),
                    report.failure());
            failures.addObject().put("itemIdentifier", report.failedSequenceNumber());
        }
        return response;
    }

    // ------------------------------------------------------------------------------- EventBridge

    private void eventBridge(JsonNode event) {
        Instant time = event.hasNonNull("time") ? Instant.parse(event.get("time").asText()) : clock.instant();
        byte[] detail = event.path("detail").toString().getBytes(StandardCharsets.UTF_8);
        SiteCampaignRequests.Answer answer = requests.request(detail, "eb-" + event.path("id").asText(), time);
        switch (answer) {
            case SiteCampaignRequests.Answer.Rejected rejected ->
                    LOG.error("EventBridge event {} is not a valid campaign and is dropped: {}", event.path("id").asText(),
                            rejected.rejection());
            case SiteCampaignRequests.Answer.Handled handled -> logResult("EventBridge event " + event.path("id").asText(),
                    handled.result());
        }
    }

    // ------------------------------------------------------------------------------ function URL

    private JsonNode functionUrl(JsonNode request) {
        JsonNode context = request.path("requestContext");
        String method = context.path("http").path("method").asText("");
        if (!method.equals("POST")) {
            return response(405, error("method_not_allowed", null, "POST the campaign's fields as JSON"));
        }
        String body = request.path("body").asText("");
        byte[] bytes = request.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
        Instant received = context.hasNonNull("timeEpoch") ? Instant.ofEpochMilli(context.get("timeEpoch").asLong())
                : clock.instant();
        SiteCampaignRequests.Answer answer;
        try {
            answer = requests.request(bytes, "url-" + context.path("requestId").asText(), received);
        } catch (RuntimeException e) {
            LOG.warn("function-URL launch failed, the caller may retry: {}", e.toString());
            return response(503, error("unavailable", null, "the campaign could not be launched now; "
                    + "send the same request again (a launch is idempotent per campaignId)"));
        }
        return switch (answer) {
            case SiteCampaignRequests.Answer.Rejected rejected -> {
                Rejection r = rejected.rejection();
                yield response(400, error(r.code(), r.field(), r.message()));
            }
            case SiteCampaignRequests.Answer.Handled handled -> {
                logResult("function-URL request " + context.path("requestId").asText(), handled.result());
                yield switch (handled.result()) {
                    case CampaignLaunch.Result.Launched l -> response(202, plan("launched", l.record()));
                    case CampaignLaunch.Result.AlreadyLaunched a -> response(200, plan("already_launched", a.record()));
                    case CampaignLaunch.Result.Conflict c -> response(409, error("campaign_id_taken", "campaignId",
                            "campaign " + c.record().campaignId() + " was launched " + c.record().launchedAt()
                                    + " with other fields; use a new campaignId"));
                };
            }
        };
    }

    private void logResult(String source, CampaignLaunch.Result result) {
        CampaignPlanRecord r = result.record();
        String status = switch (result) {
            case CampaignLaunch.Result.Launched l -> l.resumed() ? "launched (resumed)" : "launched";
            case CampaignLaunch.Result.AlreadyLaunched a -> "already launched";
            case CampaignLaunch.Result.Conflict c -> "refused: campaignId taken by another campaign";
        };
        metrics.record(Map.of(result instanceof CampaignLaunch.Result.Launched ? "CampaignsLaunched"
                : result instanceof CampaignLaunch.Result.AlreadyLaunched ? "CampaignsAlreadyLaunched" : "CampaignIdConflicts", 1));
        LOG.info("{}: campaign {} {}: preselected={} clusters={} targets={} tasks={}", source, r.campaignId(), status,
                r.preselected(), r.clusters(), r.targets(), r.tasks());
    }

    private static ObjectNode plan(String status, CampaignPlanRecord r) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", status);
        body.put("campaignId", r.campaignId());
        body.put("launchedAt", r.launchedAt().toString());
        body.put("message", r.message());
        body.put("preselected", r.preselected());
        body.put("clusters", r.clusters());
        body.put("iterations", r.iterations());
        body.put("converged", r.converged());
        body.put("targets", r.targets());
        body.put("tasks", r.tasks());
        return body;
    }

    private static ObjectNode error(String code, String field, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        if (field != null) {
            error.put("field", field);
        }
        error.put("message", message);
        return body;
    }

    private static JsonNode response(int status, ObjectNode body) {
        ObjectNode response = JSON.createObjectNode();
        response.put("statusCode", status);
        response.putObject("headers").put("content-type", "application/json");
        response.put("body", body.toString());
        return response;
    }
}
