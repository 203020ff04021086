#ifndef BOILERSTRIP_CPCRE2_SHIM_H
#define BOILERSTRIP_CPCRE2_SHIM_H
// boilerstrip matches UTF-8 bytes: the 8-bit code unit library.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif
