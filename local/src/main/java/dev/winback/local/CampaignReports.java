package dev.winback.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.geo.CampaignPlanRecord;
import dev.winback.core.geo.CampaignReport;
import dev.winback.core.geo.ClusterChoice;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The per-campaign report (D8) as {@code winback report --campaign ID} prints it: the plan's figures
 * (preselected, clusters chosen, targets) and what the targets did with the message — reached, read,
 * clicked, transacted — with the conversion rate and the share of potential customers, next to the
 * untargeted figures the SPEC compares them with.
 */
final class CampaignReports {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ROW = "%8s %8s %8s %8s %11s %11s %20s%n";

    private CampaignReports() {
    }

    static void print(PrintWriter w, CampaignPlanRecord plan, CampaignReport r) {
        long chosen = plan.clusterScores().stream().filter(ClusterChoice.ClusterScore::chosen).count();
        w.printf("Campaign %s (%s by %s, launched %s)%s%n", plan.campaignId(), plan.kind(), plan.siteName(),
                plan.launchedAt(), plan.fannedOutAt() == null ? " - fan-out not complete" : "");
        w.printf("%s%n", plan.message());
        w.printf("preselected %d, %d clusters, %d chosen (score >= the population's %.3f): %d targets in %d send tasks%n",
                plan.preselected(), plan.clusters(), chosen, plan.populationScore(), plan.targets(), plan.tasks());
        w.println();
        w.printf(ROW, "targets", "reached", "read", "clicked", "transacted", "conversion", "potential customers");
        w.printf(ROW, r.targets(), r.reached(), r.read(), r.clicked(), r.transacted(), percent(r.conversionRate()),
                percent(r.potentialCustomerShare()));
        w.println();
        w.println("conversion = transacted / reached (untargeted pushes: about 20 %); potential customers = targets who");
        w.println("read, clicked or transacted / targets (untargeted: about 60 %). A click counts as a read.");
    }

    /** D8 for every campaign of a simulation (its {@code campaigns.jsonl}), one row each. */
    static void printAll(PrintWriter w, List<CampaignReport> reports) {
        if (reports.isEmpty()) {
            return;
        }
        w.println();
        w.println("Site campaigns (D8):");
        w.printf("%-14s" + ROW, "campaign", "targets", "reached", "read", "clicked", "transacted", "conversion",
                "potential customers");
        for (CampaignReport r : reports) {
            w.printf("%-14s" + ROW, r.campaignId(), r.targets(), r.reached(), r.read(), r.clicked(), r.transacted(),
                    percent(r.conversionRate()), percent(r.potentialCustomerShare()));
        }
        w.println("conversion = transacted / reached; potential customers = targets who read, clicked or transacted.");
    }

    /** The campaigns a simulation wrote, or none when it wrote no file (an older output directory). */
    static List<CampaignReport> read(java.nio.file.Path file) throws java.io.IOException {
        if (!java.nio.file.Files.exists(file)) {
            return List.of();
        }
        List<CampaignReport> reports = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(file)) {
            if (!line.isBlank()) {
                reports.add(JSON.readValue(line, CampaignReport.class));
            }
        }
        return reports;
    }

    static ObjectNode json(CampaignPlanRecord plan, CampaignReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("campaignId", plan.campaignId());
        root.put("kind", plan.kind());
        root.put("siteId", plan.siteId());
        root.put("siteName", plan.siteName());
        root.put("launchedAt", plan.launchedAt().toString());
        root.put("fannedOut", plan.fannedOutAt() != null);
        root.put("preselected", plan.preselected());
        root.put("clusters", plan.clusters());
        root.put("clustersChosen", plan.clusterScores().stream().filter(ClusterChoice.ClusterScore::chosen).count());
        root.put("targets", r.targets());
        root.put("reached", r.reached());
        root.put("read", r.read());
        root.put("clicked", r.clicked());
        root.put("transacted", r.transacted());
        root.put("conversionRate", r.conversionRate());
        root.put("potentialCustomerShare", r.potentialCustomerShare());
        return root;
    }

    static String toJson(ObjectNode node) throws com.fasterxml.jackson.core.JsonProcessingException {
        return JSON.writeValueAsString(node);
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f %%", rate * 100);
    }
}
