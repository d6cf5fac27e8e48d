/* fuzz_reply.c — what refd-conform does with an XML-RPC reply from the
 * server it tests (conformance/client/rpc.c): the pre-check that keeps
 * DOCTYPEs, deep nesting and crashing <i8> texts away from xmlrpc-c, then
 * xmlrpc-c's response parser with the runner's 256 MiB size limit. The
 * server under test is untrusted: a reply must never crash the runner.
 *
 * Input: a reply body. */
#include "harness.h"
#include "rclient.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	rc_rpc_init((size_t)256 << 20);     /* as refd-conform's main does */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[200];
	if (rc_xml_precheck((const char *)data, size, 256, why, sizeof why) != 0) {
		check(memchr(why, '\0', sizeof why) != NULL);
		return 0;
	}
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	xmlrpc_value *v = NULL;
	int code = 0;
	const char *text = NULL;
	xmlrpc_parse_response2(&env, (const char *)data, size, &v, &code, &text);
	if (!env.fault_occurred) check((v != NULL) != (text != NULL));
	if (v) xmlrpc_DECREF(v);
	free((void *)text);
	xmlrpc_env_clean(&env);
	return 0;
}
