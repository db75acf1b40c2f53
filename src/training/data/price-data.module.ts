import { Module } from '@nestjs/common';
import { PriceCacheStore } from './price-cache.store';
import { PriceDataService } from './price-data.service';

/** Price histories (samples, CSV, Yahoo with its cache): what training and serving both read. */
@Module({ providers: [PriceCacheStore, PriceDataService], exports: [PriceCacheStore, PriceDataService] })
export class PriceDataModule {}
