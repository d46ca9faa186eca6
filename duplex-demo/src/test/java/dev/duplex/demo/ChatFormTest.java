package dev.duplex.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatFormTest {
    private final ObjectMapper json = new ObjectMapper();

    private Map<String, Object> form(String payload) throws Exception {
        return Chat.form(payload == null ? null : json.readTree(payload));
    }

    @Test
    void acceptsNomAndAge() throws Exception {
        Map<String, Object> ok = form("{\"nom\":\" Ana \",\"age\":31}");
        assertThat(ok).containsEntry("ok", true).containsEntry("nom", "Ana").containsEntry("age", 31);
        assertThat((String) ok.get("message")).contains("Merci Ana (31 ans)");
        assertThat(form("{\"nom\":\"Léa\",\"age\":\"7\"}")).containsEntry("ok", true).containsEntry("age", 7);
    }

    @Test
    void refusesBadInputWithAReason() throws Exception {
        for (String bad : new String[] {null, "null", "\"text\"", "[1,2]", "42", "{}", "{\"nom\":\"\",\"age\":3}",
            "{\"nom\":\"Ana\"}", "{\"nom\":\"Ana\",\"age\":-1}", "{\"nom\":\"Ana\",\"age\":151}",
            "{\"nom\":\"Ana\",\"age\":3.5}", "{\"nom\":\"Ana\",\"age\":\"old\"}", "{\"nom\":\"Ana\",\"age\":null}",
            "{\"nom\":\"Ana\",\"age\":99999999999}", "{\"nom\":7,\"age\":3}", "{\"nom\":{\"x\":1},\"age\":3}",
            "{\"nom\":\"" + "x".repeat(41) + "\",\"age\":3}"}) {
            Map<String, Object> answer = form(bad);
            assertThat(answer).as(bad).containsEntry("ok", false);
            assertThat(answer.get("error")).as(bad).isInstanceOf(String.class);
        }
    }
}
