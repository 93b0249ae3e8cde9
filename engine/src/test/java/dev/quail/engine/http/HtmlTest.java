package dev.quail.engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void textIsEscapedAndHtmlIsInsertedAsItIs() {
        Html cell = Html.of("<td>{}</td>", "<script>alert('x')</script> & \"q\"");
        assertEquals("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</td>", cell.toString());
        assertEquals("<tr><td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</td>"
                + "<td>1</td></tr>", Html.of("<tr>{}{}</tr>", cell, List.of(Html.of("<td>{}</td>", 1))).toString());
    }

    @Test
    void anAttributeCannotBeLeft() {
        assertEquals("<a title=\"&quot; onclick=&quot;x\">t</a>",
                Html.of("<a title=\"{}\">t</a>", "\" onclick=\"x").toString());
    }

    @Test
    void holesAndValuesMustMatch() {
        assertThrows(IllegalArgumentException.class, () -> Html.of("<p>{}</p>"));
        assertThrows(IllegalArgumentException.class, () -> Html.of("<p>{}</p>", "a", "b"));
    }
}
