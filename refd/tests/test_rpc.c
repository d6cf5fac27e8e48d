/* test_rpc.c — XML-RPC decoding, dispatch, faults, multicall and the reply
 * writer, through rpc_handle as a transport sees it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ev.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "core/sup.h"
#include "lib/buf.h"
#include "log/mainlog.h"
#include "rpc/rpc.h"
#include "rpc/xmlw.h"

struct capture {
	struct rpc_sink sink;
	int calls;
	int status;
	struct buf body;
};

static void cap_reply(struct rpc_sink *s, struct buf *body)
{
	struct capture *c = (struct capture *)s;
	c->calls++;
	c->status = 200;
	buf_free(&c->body);
	c->body = *body;
	buf_init(body);
}

static void cap_fail(struct rpc_sink *s, int status)
{
	struct capture *c = (struct capture *)s;
	c->calls++;
	c->status = status;
}

struct fixture {
	struct mainlog log;
	struct sup *sup;
	struct conf conf;
	struct conf_rpcif rpcifs[1];
	struct rpc *rpc;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	mainlog_init(&f->log, LVL_CRIT);
	f->sup = sup_new(ev_default_loop(0), &f->log, NULL);
	f->rpcifs[0].name = "supervisor";
	f->rpcifs[0].kind = CONF_RPCIF_SUPERVISOR;
	f->conf.rpcifs = f->rpcifs;
	f->conf.n_rpcifs = 1;
	f->conf.sd.identifier = "testid";
	sup_configure(f->sup, &f->conf);
	f->rpc = rpc_new(f->sup, &f->conf);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	rpc_free(f->rpc);
	sup_free(f->sup);
	mainlog_close(&f->log);
	free(f);
	return 0;
}

static void call(struct fixture *f, const char *xml, struct capture *cap)
{
	memset(cap, 0, sizeof *cap);
	cap->sink.reply = cap_reply;
	cap->sink.fail = cap_fail;
	struct rpc_req *req = rpc_handle(f->rpc, xml, strlen(xml), &cap->sink);
	assert_null(req);
	assert_int_equal(cap->calls, 1);
}

static char *method_xml(const char *name, const char *params)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "<?xml version=\"1.0\"?><methodCall><methodName>%s</methodName>"
	               "<params>%s</params></methodCall>", name, params ? params : "");
	return buf_steal(&b);
}

static void expect_fault(struct fixture *f, const char *name, const char *params, int code,
                         const char *string)
{
	char *xml = method_xml(name, params);
	struct capture cap;
	call(f, xml, &cap);
	struct buf want = BUF_INIT;
	xw_fault_response(&want, code, string);
	assert_int_equal(cap.status, 200);
	assert_string_equal(buf_cstr(&cap.body), want.p);
	buf_free(&want);
	buf_free(&cap.body);
	free(xml);
}

static void test_get_state_bytes(void **state)
{
	struct fixture *f = *state;
	char *xml = method_xml("supervisor.getState", NULL);
	struct capture cap;
	call(f, xml, &cap);
	/* Byte for byte what Python's xmlrpc.client writes (and supervisord sends). */
	assert_string_equal(buf_cstr(&cap.body),
		"<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n"
		"<member>\n<name>statecode</name>\n<value><int>1</int></value>\n</member>\n"
		"<member>\n<name>statename</name>\n<value><string>RUNNING</string></value>\n</member>\n"
		"</struct></value>\n</param>\n</params>\n</methodResponse>\n");
	buf_free(&cap.body);
	free(xml);
}

/* The byte-exact call Python's xmlrpc.client sends skips xmlrpc-c; the
 * reply must be what the parsed form gets, faults and names included. */
static void test_plain_call_same_reply(void **state)
{
	struct fixture *f = *state;
	static const char *names[] = {"supervisor.getState", "supervisor.getPID", "system.listMethods",
	                              "supervisor.nosuch", "supervisor._private", "nodot", "a.b.c",
	                              "supervisor.getProcessInfo"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		struct buf plain = BUF_INIT;
		buf_printf(&plain, "<?xml version='1.0'?>\n<methodCall>\n<methodName>%s</methodName>\n"
		                   "<params>\n</params>\n</methodCall>\n", names[i]);
		char *parsed = method_xml(names[i], NULL);
		struct capture a, b;
		call(f, plain.p, &a);
		call(f, parsed, &b);
		assert_int_equal(a.status, b.status);
		assert_string_equal(buf_cstr(&a.body), buf_cstr(&b.body));
		buf_free(&a.body);
		buf_free(&b.body);
		buf_free(&plain);
		free(parsed);
	}
	/* Not plain: an entity in the name goes through xmlrpc-c (and decodes). */
	struct capture c;
	call(f, "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.get&#83;tate</methodName>\n"
	        "<params>\n</params>\n</methodCall>\n", &c);
	assert_int_equal(c.status, 200);
	assert_non_null(strstr(buf_cstr(&c.body), "<name>statecode</name>"));
	buf_free(&c.body);
}

static void test_fault_bytes(void **state)
{
	struct fixture *f = *state;
	char *xml = method_xml("supervisor.nosuch", NULL);
	struct capture cap;
	call(f, xml, &cap);
	assert_string_equal(buf_cstr(&cap.body),
		"<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n"
		"<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n"
		"<member>\n<name>faultString</name>\n<value><string>UNKNOWN_METHOD</string></value>\n</member>\n"
		"</struct></value>\n</fault>\n</methodResponse>\n");
	buf_free(&cap.body);
	free(xml);
}

static void test_resolution(void **state)
{
	struct fixture *f = *state;
	expect_fault(f, "supervisor", NULL, 1, "UNKNOWN_METHOD");
	expect_fault(f, "a.b.c", NULL, 1, "UNKNOWN_METHOD");
	expect_fault(f, "supervisor._update", NULL, 1, "UNKNOWN_METHOD");
	expect_fault(f, "supervisor.getState.im_func", NULL, 1, "UNKNOWN_METHOD");
	expect_fault(f, "twiddler.getAPIVersion", NULL, 1, "UNKNOWN_METHOD");
	expect_fault(f, "supervisor.getState", "<param><value><int>1</int></value></param>", 2,
	             "INCORRECT_PARAMETERS");
	expect_fault(f, "supervisor.readLog", NULL, 2, "INCORRECT_PARAMETERS");
}

static void test_identity(void **state)
{
	struct fixture *f = *state;
	const char *cases[][2] = {
		{"supervisor.getAPIVersion", "<value><string>3.0</string></value>"},
		{"supervisor.getVersion", "<value><string>3.0</string></value>"},
		{"supervisor.getSupervisorVersion", "<value><string>4.2.5</string></value>"},
		{"supervisor.getIdentification", "<value><string>testid</string></value>"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *xml = method_xml(cases[i][0], NULL);
		struct capture cap;
		call(f, xml, &cap);
		assert_non_null(strstr(buf_cstr(&cap.body), cases[i][1]));
		buf_free(&cap.body);
		free(xml);
	}
}

static void test_http_level_errors(void **state)
{
	struct fixture *f = *state;
	struct capture cap;
	call(f, "<?xml version=\"1.0\"?><methodCall><methodName>x", &cap);
	assert_int_equal(cap.status, 400);
	call(f, "<?xml version=\"1.0\"?><methodCall><params/></methodCall>", &cap);
	assert_int_equal(cap.status, 400);
	call(f, "<?xml version=\"1.0\"?><methodCall><methodName></methodName></methodCall>", &cap);
	assert_int_equal(cap.status, 400);
	call(f, "", &cap);
	assert_int_equal(cap.status, 400);
	/* A DOCTYPE never reaches xmlrpc-c (entity expansion). */
	call(f, "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>"
	        "<methodCall><methodName>system.listMethods</methodName></methodCall>", &cap);
	assert_int_equal(cap.status, 400);
	/* Deep nesting is refused before parsing. */
	struct buf deep = BUF_INIT;
	buf_puts(&deep, "<?xml version=\"1.0\"?><methodCall><methodName>system.listMethods</methodName><params><param>");
	for (int i = 0; i < 300; i++) buf_puts(&deep, "<value><array><data>");
	call(f, deep.p, &cap);
	assert_int_equal(cap.status, 400);
	buf_free(&deep);
	/* <boolean>true</boolean> is not XML-RPC: xmlrpc-c rejects it. */
	char *xml = method_xml("system.listMethods", "<param><value><boolean>true</boolean></value></param>");
	call(f, xml, &cap);
	assert_int_equal(cap.status, 400);
	free(xml);
	/* A comment and CDATA are fine. */
	call(f, "<?xml version=\"1.0\"?><!-- hi --><methodCall><methodName><![CDATA[supervisor.getPID]]>"
	        "</methodName></methodCall>", &cap);
	assert_int_equal(cap.status, 200);
	buf_free(&cap.body);
	/* Tags inside comments, CDATA and processing instructions are text:
	 * they neither count toward the depth bound nor buy depth back. */
	struct buf text = BUF_INIT;
	buf_puts(&text, "<?xml version=\"1.0\"?><!--");
	for (int i = 0; i < 300; i++) buf_puts(&text, "<b>");
	buf_puts(&text, "--><?pi <c><c><c>?><methodCall><methodName>supervisor.getPID</methodName></methodCall>");
	call(f, text.p, &cap);
	assert_int_equal(cap.status, 200);
	buf_free(&cap.body);
	buf_reset(&text);
	buf_puts(&text, "<?xml version=\"1.0\"?><methodCall><methodName><![CDATA[");
	for (int i = 0; i < 300; i++) buf_puts(&text, "</a>");
	buf_puts(&text, "]]></methodName><params><param>");
	for (int i = 0; i < 300; i++) buf_puts(&text, "<value><array><data>");
	call(f, text.p, &cap);
	assert_int_equal(cap.status, 400);
	buf_free(&text);
}

/* xmlrpc-c 1.33.14 crashes on an <i8> that is not a 64-bit integer (found
 * by fuzzing): such bodies get the 400 its fault would have meant. */
static void test_i8_text(void **state)
{
	struct fixture *f = *state;
	static const char *const refused[] = {
		"<i8>12x</i8>", "<i8>12 </i8>", "<i8 >1.5</i8 >", "<i8 a='>'>1e3</i8>", "<ex:i8>0x10</ex:i8>",
		"<i8>9223372036854775808</i8>", "<i8>-9223372036854775809</i8>", "<i8>-</i8>",
		"<i8>1&#50;x</i8>", "<i8><![CDATA[12x]]></i8>", "<i8>1<!-- c -->2x</i8>", "<i8>1<?pi?>2</i8>",
	};
	static const char *const accepted[] = {
		"<i8>9223372036854775807</i8>", "<i8>-9223372036854775808</i8>", "<i8>+00012</i8>",
		"<ex:i8>7</ex:i8>", "<i8 a='>'>7</i8>",
	};
	struct capture cap;
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "<param><value>%s</value></param>", refused[i]);
		char *xml = method_xml("system.listMethods", b.p);
		call(f, xml, &cap);
		assert_int_equal(cap.status, 400);
		free(xml);
		buf_free(&b);
	}
	for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "<param><value>%s</value></param>", accepted[i]);
		char *xml = method_xml("supervisor.getPID", b.p);
		call(f, xml, &cap);
		assert_int_equal(cap.status, 200);     /* INCORRECT_PARAMETERS: a fault, parsed */
		buf_free(&cap.body);
		free(xml);
		buf_free(&b);
	}
}

static void test_system_methods(void **state)
{
	struct fixture *f = *state;
	char *xml = method_xml("system.listMethods", NULL);
	struct capture cap;
	call(f, xml, &cap);
	const char *b = buf_cstr(&cap.body);
	const char *a1 = strstr(b, "supervisor.clearLog"), *a2 = strstr(b, "supervisor.getAPIVersion");
	const char *a3 = strstr(b, "system.listMethods"), *a4 = strstr(b, "system.multicall");
	assert_true(a1 && a2 && a3 && a4 && a1 < a2 && a2 < a3 && a3 < a4);
	buf_free(&cap.body);
	free(xml);

	xml = method_xml("system.methodSignature", "<param><value><string>supervisor.readLog</string></value></param>");
	call(f, xml, &cap);
	assert_non_null(strstr(buf_cstr(&cap.body),
		"<value><array><data>\n<value><string>string</string></value>\n"
		"<value><string>int</string></value>\n<value><string>int</string></value>\n</data></array></value>"));
	buf_free(&cap.body);
	free(xml);

	expect_fault(f, "system.methodHelp", "<param><value><string>nosuch.x</string></value></param>", 4,
	             "SIGNATURE_UNSUPPORTED");
	expect_fault(f, "system.methodSignature", "<param><value><int>3</int></value></param>", 4,
	             "SIGNATURE_UNSUPPORTED");
	xml = method_xml("system.methodHelp", "<param><value><string>system.multicall</string></value></param>");
	call(f, xml, &cap);
	assert_non_null(strstr(buf_cstr(&cap.body), "@param array calls"));
	buf_free(&cap.body);
	free(xml);
}

static void test_multicall(void **state)
{
	struct fixture *f = *state;
	char *xml = method_xml("system.multicall",
		"<param><value><array><data>"
		"<value><struct><member><name>methodName</name><value>supervisor.getState</value></member></struct></value>"
		"<value><struct><member><name>methodName</name><value>supervisor.nosuch</value></member></struct></value>"
		"<value><struct><member><name>params</name><value><array><data/></array></value></member></struct></value>"
		"<value><struct><member><name>methodName</name><value>system.multicall</value></member>"
		"<member><name>params</name><value><array><data/></array></value></member></struct></value>"
		"<value><struct><member><name>methodName</name><value>supervisor.getAPIVersion</value></member>"
		"<member><name>params</name><value><array><data/></array></value></member></struct></value>"
		"<value><struct><member><name>methodName</name><value>supervisor.getAPIVersion</value></member>"
		"<member><name>params</name><value><array><data><value>x</value></data></array></value></member></struct></value>"
		"</data></array></value></param>");
	struct capture cap;
	call(f, xml, &cap);
	struct buf want = BUF_INIT;
	xw_response_begin(&want);
	xw_array_begin(&want);
	xw_struct_begin(&want);
	xw_member_int(&want, "statecode", 1);
	xw_member_string(&want, "statename", "RUNNING");
	xw_struct_end(&want);
	xw_fault_value(&want, 1, "UNKNOWN_METHOD");
	xw_fault_value(&want, 2, "INCORRECT_PARAMETERS: No methodName");
	xw_fault_value(&want, 2, "INCORRECT_PARAMETERS: Recursive system.multicall forbidden");
	xw_string(&want, "3.0");
	xw_fault_value(&want, 2, "INCORRECT_PARAMETERS");
	xw_array_end(&want);
	xw_response_end(&want);
	assert_string_equal(buf_cstr(&cap.body), want.p);
	buf_free(&want);
	buf_free(&cap.body);
	free(xml);

	expect_fault(f, "system.multicall", "<param><value><array><data><value>x</value></data></array></value></param>",
	             2, "INCORRECT_PARAMETERS");
	expect_fault(f, "system.multicall", "<param><value>abc</value></param>", 2, "INCORRECT_PARAMETERS");
	xml = method_xml("system.multicall", "<param><value><array><data></data></array></value></param>");
	call(f, xml, &cap);
	assert_non_null(strstr(buf_cstr(&cap.body), "<value><array><data>\n</data></array></value>"));
	buf_free(&cap.body);
	free(xml);
}

static void test_shutdown_gate(void **state)
{
	struct fixture *f = *state;
	sup_request_shutdown(f->sup);
	expect_fault(f, "supervisor.getState", NULL, 6, "SHUTDOWN_STATE");
	/* Arity is checked before the gate. */
	expect_fault(f, "supervisor.getState", "<param><value>x</value></param>", 2, "INCORRECT_PARAMETERS");
	char *xml = method_xml("system.listMethods", NULL);
	struct capture cap;
	call(f, xml, &cap);
	assert_non_null(strstr(buf_cstr(&cap.body), "system.listMethods"));
	buf_free(&cap.body);
	free(xml);
	xml = method_xml("system.multicall",
		"<param><value><array><data>"
		"<value><struct><member><name>methodName</name><value>supervisor.getPID</value></member></struct></value>"
		"</data></array></value></param>");
	call(f, xml, &cap);
	assert_non_null(strstr(buf_cstr(&cap.body), "SHUTDOWN_STATE"));
	buf_free(&cap.body);
	free(xml);
	sup_set_running(f->sup);
}

static void test_writer_escaping(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	xw_string_n(&b, "a&b<c>d\x1b[31m\r\n\t\xff\xc3\xa9\xef\xbf\xbe", 21);
	assert_string_equal(b.p, "<value><string>a&amp;b&lt;c&gt;d\xef\xbf\xbd[31m\r\n\t\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd"
	                         "</string></value>\n");
	buf_reset(&b);
	xw_double(&b, 1.5);
	xw_double(&b, 2.0);
	assert_string_equal(b.p, "<value><double>1.5</double></value>\n<value><double>2.0</double></value>\n");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_state_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_call_same_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolution, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_level_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_i8_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_system_methods, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multicall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_gate, setup, teardown),
		cmocka_unit_test(test_writer_escaping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
