refd_unit_test(test_http test_http.c)
refd_unit_test(test_form test_form.c)
