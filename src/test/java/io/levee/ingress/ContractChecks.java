package io.levee.ingress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/** Validates real responses of the running service against the root openapi.yaml. */
final class ContractChecks {

    static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator.createForSpecificationUrl(
                    Path.of("openapi.yaml").toAbsolutePath().toUri().toString())
            .build();

    private ContractChecks() {}

    /** Asserts the status, then that status, headers and body are what the contract says for this operation. */
    static void assertConforms(Request.Method method, String path, HttpResponse<String> r, int status) {
        assertThat(r.body(), r.statusCode(), is(status));
        SimpleResponse.Builder response =
                SimpleResponse.Builder.status(r.statusCode()).withBody(r.body());
        for (Map.Entry<String, java.util.List<String>> h : r.headers().map().entrySet()) {
            response.withHeader(h.getKey(), h.getValue());
        }
        ValidationReport report = VALIDATOR.validateResponse(path, method, response.build());
        assertThat(
                method + " " + path + " " + status + ": " + report.getMessages() + "\n" + r.body(),
                report.hasErrors(),
                is(false));
    }
}
