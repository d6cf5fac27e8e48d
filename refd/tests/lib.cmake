refd_unit_test(test_lib test_lib.c)
