refd_unit_test(test_bus test_bus.c)
refd_unit_test(test_evproto test_evproto.c)
refd_unit_test(test_pool test_pool.c)
