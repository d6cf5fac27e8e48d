refd_unit_test(test_proc test_proc.c)
