refd_unit_test(test_http test_http.c)
