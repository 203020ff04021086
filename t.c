#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){
  const char*pats[]={"x","(?:^|(?<=[.!?\xe2\x80\xa6:\xc2\xbb\"\xe2\x80\x9d\xe2\x80\x9c)\\]]))(?:\\h|&nbsp;)*(?<credit>REUTERS?|Reuters?|reuters?)", argc>1?argv[1]:"y"};
  const char*subj=" and more news. Reuter";
  for(int p=0;p<3;p++){
    int e; PCRE2_SIZE eo;
    pcre2_code*c=pcre2_compile((PCRE2_SPTR)pats[p],PCRE2_ZERO_TERMINATED,PCRE2_UTF|PCRE2_UCP|PCRE2_MATCH_INVALID_UTF|PCRE2_DUPNAMES|PCRE2_USE_OFFSET_LIMIT,&e,&eo,NULL);
    if(!c){printf("compile fail %d\n",e);continue;}
    pcre2_jit_compile(c,PCRE2_JIT_COMPLETE);
    pcre2_match_data*md=pcre2_match_data_create(32,NULL);
    pcre2_match_context*mc=pcre2_match_context_create(NULL);
    pcre2_jit_stack*js=pcre2_jit_stack_create(32*1024,1024*1024,NULL);
    pcre2_jit_stack_assign(mc,NULL,js);
    int n=1000000; long s=0; double t0=now();
    for(int i=0;i<n;i++){ int rc=pcre2_jit_match(c,(PCRE2_SPTR)subj,strlen(subj),i&7,0,md,mc); s+=rc; }
    double t1=now(); printf("%d: %.0f ns/call %ld\n",p,(t1-t0)/n*1e9,s);
  }
}
