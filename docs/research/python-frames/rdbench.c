#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
int main(int c,char**v){pid_t pid=atoi(v[1]);uint64_t a=strtoull(v[2],0,0);int n=20000;char buf[16384];
 for(size_t len=8;len<=16384;len*=32){
 double t=now();for(int i=0;i<n;i++){struct iovec l={buf,len},r={(void*)a,len};process_vm_readv(pid,&l,1,&r,1,0);}
 double t2=now();char p[64];snprintf(p,64,"/proc/%d/mem",pid);int fd=open(p,O_RDONLY);
 for(int i=0;i<n;i++)pread(fd,buf,len,a);double t3=now();
 printf("len %zu: process_vm_readv %.2f us, pread /proc/pid/mem %.2f us\n",len,(t2-t)/n,(t3-t2)/n);}
 struct timespec r;double t=now();for(int i=0;i<n;i++)clock_gettime(CLOCK_MONOTONIC,&r);printf("clock_gettime %.3f us\n",(now()-t)/n);
 t=now();for(int i=0;i<n;i++)getppid();printf("getppid syscall %.3f us\n",(now()-t)/n);}
