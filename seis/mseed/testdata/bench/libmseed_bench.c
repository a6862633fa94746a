/*
 * libmseed_bench: time libmseed 2.x msr_parse (header parse + data unpack)
 * over a whole miniSEED file, for comparison with BenchmarkDecodeSteim2 and
 * BenchmarkDecodeFloat64 of struna's seis/mseed.
 *
 * Build (Debian libmseed-dev 2.19.8):
 *     gcc -O2 -o libmseed_bench libmseed_bench.c -lmseed
 * Make the input files with the Go writer:
 *     go test ./seis/mseed -run TestWriteBenchFile -args -benchfile=/tmp/bench
 * Run:
 *     ./libmseed_bench /tmp/bench-steim2.mseed
 *
 * It prints the records, samples and sum of samples (compare with what
 * TestWriteBenchFile logs) and the best of several passes in MB/s and
 * samples/s, in process CPU time. The file is read into memory first; only
 * parsing is timed, twice: as libmseed is used for speed (each record's
 * samples overwrite the previous one's in libmseed's buffer), and keeping
 * every sample as a double in one array allocated per pass, which is what
 * struna's Decode delivers.
 */
#include <libmseed.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Process CPU time: the machine may be shared, and CPU time is what the
 * Go benchmark's cpu-Msamples/s metric measures too. */
static double now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main (int argc, char **argv)
{
  if (argc < 2)
  {
    fprintf (stderr, "usage: %s file.mseed [passes]\n", argv[0]);
    return 2;
  }
  int passes = (argc > 2) ? atoi (argv[2]) : 10;
  FILE *fp = fopen (argv[1], "rb");
  if (!fp)
  {
    perror (argv[1]);
    return 1;
  }
  fseek (fp, 0, SEEK_END);
  long size = ftell (fp);
  fseek (fp, 0, SEEK_SET);
  char *buf = malloc (size);
  if (!buf || fread (buf, 1, size, fp) != (size_t)size)
  {
    fprintf (stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  fclose (fp);

  MSRecord *msr = NULL;
  double best = 1e30, bestkeep = 1e30, sum = 0;
  long records = 0, samples = 0;
  for (int p = 0; p < 2 * passes; p++)
  {
    int keep = p >= passes; /* second half of the passes keeps samples */
    double *all = NULL;
    double t0 = now ();
    if (keep)
      all = malloc (samples * sizeof (double));
    long off = 0, nkept = 0;
    if (!keep)
      records = samples = 0;
    sum = 0;
    while (off < size)
    {
      if (msr_parse (buf + off, size - off, &msr, -1, 1, 0) != 0)
      {
        fprintf (stderr, "parse error at byte %ld\n", off);
        return 1;
      }
      if (keep)
      {
        for (int64_t i = 0; i < msr->numsamples; i++)
        {
          if (msr->sampletype == 'i')
            all[nkept + i] = ((int32_t *)msr->datasamples)[i];
          else if (msr->sampletype == 'f')
            all[nkept + i] = ((float *)msr->datasamples)[i];
          else if (msr->sampletype == 'd')
            all[nkept + i] = ((double *)msr->datasamples)[i];
        }
        nkept += msr->numsamples;
        off += msr->reclen;
        continue;
      }
      records++;
      samples += msr->numsamples;
      if (p == 0) /* checksum once, outside the best-time passes' concern */
      {
        for (int64_t i = 0; i < msr->numsamples; i++)
        {
          if (msr->sampletype == 'i')
            sum += ((int32_t *)msr->datasamples)[i];
          else if (msr->sampletype == 'f')
            sum += ((float *)msr->datasamples)[i];
          else if (msr->sampletype == 'd')
            sum += ((double *)msr->datasamples)[i];
        }
      }
      off += msr->reclen;
    }
    if (keep)
    {
      free (all);
      double dt = now () - t0;
      if (dt < bestkeep)
        bestkeep = dt;
      continue;
    }
    double dt = now () - t0;
    if (p > 0 && dt < best) /* pass 0 includes the checksum loop */
      best = dt;
    if (p == 0)
      printf ("%s: %ld bytes, %ld records, %ld samples, sum %.6f\n", argv[1], size, records, samples, sum);
  }
  if (passes < 2)
    return 0;
  printf ("libmseed %s msr_parse+unpack: best of %d passes %.3f ms CPU: %.1f MB/s, %.1f Msamples/s\n",
          LIBMSEED_VERSION, passes - 1, best * 1e3, size / best / 1e6, samples / best / 1e6);
  printf ("libmseed %s msr_parse+unpack, samples kept as double: best of %d passes %.3f ms CPU: %.1f MB/s, %.1f Msamples/s\n",
          LIBMSEED_VERSION, passes, bestkeep * 1e3, size / bestkeep / 1e6, samples / bestkeep / 1e6);
  msr_free (&msr);
  free (buf);
  return 0;
}
