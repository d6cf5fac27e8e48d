refd_unit_test(test_rpc test_rpc.c)
